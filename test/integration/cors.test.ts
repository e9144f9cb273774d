import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TENANT_KEYS, useTestBridge } from '../helpers/bridge.js';

const APP = 'https://app.example.com';

const get = (base: string, origin: string) => fetch(`${base}/bridge/v1/jobs`, { headers: { origin, authorization: `Bearer ${TENANT_KEYS.acme}` } });
const preflight = (base: string, origin: string) =>
  fetch(`${base}/v1/optimize/tsp`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });

describe('CORS by default', () => {
  const suite = useTestBridge('pglite');

  test('same origin only: no cross-origin headers, preflights refused', async () => {
    const response = await get(suite.bridge.http, APP);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    assert.equal((await preflight(suite.bridge.http, APP)).status, 403);
  });
});

describe('CORS with BRIDGE_CORS_ORIGINS', () => {
  const suite = useTestBridge('pglite', { env: { BRIDGE_CORS_ORIGINS: APP } });

  test('the named origin may call the API from its pages; another may not', async () => {
    const allowed = await get(suite.bridge.http, APP);
    assert.equal(allowed.headers.get('access-control-allow-origin'), APP);
    assert.equal(allowed.headers.get('vary'), 'Origin');
    const other = await get(suite.bridge.http, 'https://evil.example');
    assert.equal(other.headers.get('access-control-allow-origin'), null);

    const ok = await preflight(suite.bridge.http, APP);
    assert.equal(ok.status, 204);
    assert.match(ok.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(ok.headers.get('access-control-allow-headers') ?? '', /authorization/);
    assert.equal((await preflight(suite.bridge.http, 'https://evil.example')).status, 403);
  });
});
