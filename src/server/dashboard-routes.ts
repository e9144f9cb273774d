import { registryOf } from './route-registry.js';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { PROJECT_ROOT } from '../config/paths.js';
import { statusLine } from './http.js';
import type { HttpRequest, HttpResponse, TemplatedApp } from './uws.js';

/** Where `npm run build` (its `build:dashboard` step, Vite) leaves the dashboard. */
export const DASHBOARD_DIR = join(PROJECT_ROOT, 'dist', 'dashboard');

/**
 * On every dashboard response: scripts, styles and sockets from this origin only (the bridge's own API and
 * WebSocket), never framed (an API key typed into a framed page could be clickjacked), no type sniffing.
 */
export const DASHBOARD_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};

/** Vite names every file under assets/ by its content hash, so a name never changes meaning. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

const NOT_BUILT = 'The dashboard is not built. Run `npm run build` (it builds the dashboard into dist/dashboard), then reload this page.\n';

interface Asset {
  body: Buffer;
  contentType: string;
  cacheControl: string;
  etag: string;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

/** The built files by URL path, read once: the whole dashboard is a few hundred kilobytes. Undefined until it is built. */
function loadAssets(dir: string): Map<string, Asset> | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const assets = new Map<string, Asset>();
  for (const file of filesUnder(dir)) {
    const path = `/${relative(dir, file).split(sep).join('/')}`;
    const body = readFileSync(file);
    assets.set(path, {
      body,
      contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      cacheControl: path.startsWith('/assets/') ? IMMUTABLE : 'no-cache',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    });
  }
  return assets;
}

function writeText(res: HttpResponse, status: number, text: string): void {
  res.cork(() => {
    res.writeStatus(statusLine(status));
    res.writeHeader('content-type', 'text/plain; charset=utf-8');
    res.writeHeader('cache-control', 'no-store');
    for (const [name, value] of Object.entries(DASHBOARD_SECURITY_HEADERS)) res.writeHeader(name, value);
    res.end(text);
  });
}

function writeAsset(res: HttpResponse, asset: Asset, ifNoneMatch: string): void {
  res.cork(() => {
    const fresh = ifNoneMatch === asset.etag;
    res.writeStatus(fresh ? '304 Not Modified' : statusLine(200));
    res.writeHeader('cache-control', asset.cacheControl);
    res.writeHeader('etag', asset.etag);
    for (const [name, value] of Object.entries(DASHBOARD_SECURITY_HEADERS)) res.writeHeader(name, value);
    if (fresh) {
      res.endWithoutBody();
      return;
    }
    res.writeHeader('content-type', asset.contentType);
    res.end(asset.body);
  });
}

/**
 * The dashboard's static files, served by uWS itself: `/` is index.html (revalidated on every load, so a new
 * build shows at once), `/assets/*` the hashed bundles (cached for a year). A checkout that was never built
 * answers `/` with a 503 saying how to build it, and picks the build up once it exists.
 */
export function mountDashboardRoutes(app: TemplatedApp, dir: string = DASHBOARD_DIR): void {
  let assets = loadAssets(dir);
  const current = (): Map<string, Asset> | undefined => (assets ??= loadAssets(dir));

  const serve = (path: (req: HttpRequest) => string) => (res: HttpResponse, req: HttpRequest) => {
    // Everything below is synchronous, but uWS wants an abort handler on every response it may abort.
    res.onAborted(() => {});
    const wanted = path(req);
    const ifNoneMatch = req.getHeader('if-none-match');
    const built = current();
    if (!built) return writeText(res, 503, NOT_BUILT);
    const asset = built.get(wanted);
    if (!asset) return writeText(res, 404, `No dashboard file ${wanted.slice(0, 200)}\n`);
    writeAsset(res, asset, ifNoneMatch);
  };

  const registry = registryOf(app);
  const page = { 200: { description: 'The dashboard page.', contentTypes: ['text/html'] }, 503: { description: 'Not built yet: run npm run build.', contentTypes: ['text/plain'] } };
  for (const path of ['/', '/index.html']) {
    registry.describe('get', path, { docs: { summary: 'The dashboard (sign in with an API key in the page)', access: 'none', responses: page } });
    app.get(path, serve(() => '/index.html'));
  }
  registry.describe('get', '/assets/*', {
    docs: { summary: 'The dashboard\'s hashed scripts and styles, cached for a year', access: 'none', responses: { 200: { description: 'The file.', contentTypes: ['application/javascript', 'text/css'] }, 404: { description: 'No such file.', contentTypes: ['text/plain'] } } },
  });
  app.get('/assets/*', serve((req) => req.getUrl()));
}
