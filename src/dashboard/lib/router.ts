import { useEffect, useState } from 'preact/hooks';

/** Pages live in the fragment, so the bridge serves one document at `/` and a reload keeps the page. */
export type Route =
  | { page: 'jobs'; query: URLSearchParams }
  | { page: 'job'; id: string }
  | { page: 'compare'; ids: string[] };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(search);
  const job = /^\/jobs\/([^/]+)$/.exec(path);
  if (job) return { page: 'job', id: decodeURIComponent(job[1]!) };
  if (path === '/compare') return { page: 'compare', ids: (query.get('ids') ?? '').split(',').filter(Boolean) };
  return { page: 'jobs', query };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export const jobHref = (id: string): string => `#/jobs/${encodeURIComponent(id)}`;
export const compareHref = (ids: readonly string[]): string => `#/compare?ids=${ids.map(encodeURIComponent).join(',')}`;
export const jobsHref = (query: URLSearchParams): string => (query.size > 0 ? `#/?${query}` : '#/');
