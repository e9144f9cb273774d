import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountDashboardRoutes } from '../../src/server/dashboard-routes.js';
import { loadNativeUws, type TemplatedApp, type us_listen_socket } from '../../src/server/uws.js';

const CSP = "default-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'";

describe('dashboard static files served by uWS (src/server/dashboard-routes.ts)', () => {
  const uws = loadNativeUws();
  const dir = mkdtempSync(join(tmpdir(), 'optbridge-dashboard-'));
  let app: TemplatedApp;
  let listen: us_listen_socket;
  let base: string;

  before(async () => {
    app = uws.App();
    mountDashboardRoutes(app, dir);
    listen = await new Promise((resolve) => app.listen('127.0.0.1', 0, (socket) => resolve(socket)));
    base = `http://127.0.0.1:${uws.us_socket_local_port(listen)}`;
  });
  after(() => {
    uws.us_listen_socket_close(listen);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a checkout never built answers / with a 503 saying to run npm run build, then serves the build once it exists', async () => {
    const missing = await fetch(`${base}/`);
    assert.equal(missing.status, 503);
    assert.match(missing.headers.get('content-type')!, /^text\/plain/);
    assert.match(await missing.text(), /npm run build/);
    assert.equal(missing.headers.get('content-security-policy'), CSP);

    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/index-abc123.js"></script>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    const index = await fetch(`${base}/`);
    assert.equal(index.status, 200);
    assert.match(await index.text(), /index-abc123\.js/);
  });

  test('index.html is revalidated (no-cache, ETag, 304), hashed assets are immutable, every answer has CSP and nosniff', async () => {
    const index = await fetch(`${base}/`);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
    const etag = index.headers.get('etag')!;
    assert.ok(etag);
    const again = await fetch(`${base}/`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');

    const asset = await fetch(`${base}/assets/index-abc123.js`);
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await asset.text(), 'console.log(1)');

    const unknown = await fetch(`${base}/assets/index-nothere.js`);
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /No dashboard file/);
    for (const response of [index, again, asset, unknown]) {
      assert.equal(response.headers.get('content-security-policy'), CSP);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    }
  });
});
