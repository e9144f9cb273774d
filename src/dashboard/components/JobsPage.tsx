import { useEffect, useState } from 'preact/hooks';
import type { JobListOptions, JobPage as Page } from '../../client/index.js';
import { useFailure } from '../hooks/use-failure.js';
import { compareHref, jobsHref } from '../lib/router.js';
import { useSession } from '../lib/session-context.js';
import { JobFilters } from './JobFilters.js';
import { JobsTable } from './JobsTable.js';

const PAGE = 25;

/** A date input's day, in this browser's time zone, as the instant the bridge compares creation times with. */
function dayStart(day: string | null, plusDays = 0): string | undefined {
  if (!day) return undefined;
  const date = new Date(`${day}T00:00:00`);
  date.setDate(date.getDate() + plusDays);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function listOptions(query: URLSearchParams, before: string | undefined): JobListOptions {
  const options: JobListOptions = { limit: PAGE };
  for (const name of ['provider', 'kind', 'q'] as const) {
    const value = query.get(name);
    if (value) options[name] = value;
  }
  const status = query.get('status');
  if (status) options.status = status as JobListOptions['status'];
  const from = dayStart(query.get('from'));
  const to = dayStart(query.get('to'), 1);
  if (from) options.from = from;
  if (to) options.to = to;
  if (before) options.before = before;
  return options;
}

/** `#/`: the tenant's jobs, newest first, filtered and paged by the bridge; tick two or more to overlay them. */
export function JobsPage({ query }: { query: URLSearchParams }) {
  const { client } = useSession();
  const [cursors, setCursors] = useState<string[]>([]);
  const [page, setPage] = useState<Page | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, fail, clear] = useFailure();
  const before = cursors.at(-1);
  const queryKey = query.toString();
  useEffect(() => setCursors([]), [queryKey]);
  useEffect(() => {
    let current = true;
    clear();
    client.jobs.list(listOptions(query, before)).then((result) => current && setPage(result), fail);
    return () => {
      current = false;
    };
  }, [queryKey, before]);
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (!next.delete(id)) next.add(id);
    setSelected(next);
  };
  return (
    <section class="panel">
      <h1>Jobs</h1>
      <JobFilters key={queryKey} query={query} onApply={(next) => (location.hash = jobsHref(next))} />
      {error && <p class="error" role="alert">{error}</p>}
      {page && page.jobs.length === 0 && <p class="hint" data-testid="no-jobs">No jobs match.</p>}
      {page && page.jobs.length > 0 && <JobsTable jobs={page.jobs} selected={selected} onToggle={toggle} />}
      <div class="toolbar">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>Newer</button>
        <button type="button" disabled={!page?.nextBefore} onClick={() => page?.nextBefore && setCursors([...cursors, page.nextBefore])}>Older</button>
        <button type="button" disabled={selected.size < 2} onClick={() => (location.hash = compareHref([...selected]))}>
          Compare selected ({selected.size})
        </button>
      </div>
    </section>
  );
}
