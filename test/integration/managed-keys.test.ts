import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { api, STORES, submitTsp, TENANT_KEYS, useTestBridge, type TestBridge } from '../helpers/bridge.js';
import { startCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

const ADMIN_KEY = 'admin-key-0123456789abcdef';

async function createKey(bridge: TestBridge, body: Record<string, unknown>): Promise<{ key: string; id: string }> {
  const created = await api(bridge.http, 'POST', '/bridge/v1/admin/keys', { key: ADMIN_KEY, body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

/** Each dialect's create route, with a body it accepts, and where its error body puts the message. */
const SUBMITS = [
  { dialect: 'nerox', path: '/v1/optimize/tsp', body: { coordinates: [[0, 0], [1, 0], [1, 1]], time_limit_s: 1 }, message: (b: any) => b.error.message },
  { dialect: 'jaot', path: '/api/v2/solve/async', body: { variables: [], constraints: [], objective: {} }, message: (b: any) => b.detail },
  { dialect: 'matcraft', path: '/api/v1/campaigns', body: { name: 'c' }, message: (b: any) => b.error.message },
  { dialect: 'mutagent', path: '/api/optimization/jobs', body: { promptId: 'p', datasetId: 'd' }, message: (b: any) => b.error },
];

for (const kind of STORES) {
  describe(`managed API keys on ${kind}`, () => {
    const suite = useTestBridge(kind, { env: { BRIDGE_ADMIN_KEY: ADMIN_KEY } });

    test('the admin API needs the admin key; a created key works at once, next to the tenant\'s other key', async () => {
      assert.equal((await api(suite.bridge.http, 'GET', '/bridge/v1/admin/keys', { key: TENANT_KEYS.acme })).status, 401);
      const { key, id } = await createKey(suite.bridge, { tenant: 'acme', name: 'rotation' });
      assert.match(id, /^key_/);
      for (const k of [key, TENANT_KEYS.acme]) assert.equal((await api(suite.bridge.http, 'GET', '/bridge/v1/jobs', { key: k })).status, 200, 'both keys valid at once');
      const listed = (await api(suite.bridge.http, 'GET', '/bridge/v1/admin/keys?tenant=acme', { key: ADMIN_KEY })).body.keys;
      assert.ok(listed.some((k: any) => k.id === id && k.name === 'rotation' && k.scope === 'write'));
      assert.ok(!JSON.stringify(listed).includes(key), 'the secret is never listed');
    });

    test('a read key sees jobs but gets 403 in the dialect\'s shape for submit and cancel', async () => {
      const { key } = await createKey(suite.bridge, { tenant: 'acme', name: 'dashboard', scope: 'read' });
      const jobId = await submitTsp(suite.bridge, 0.3, 1);
      assert.equal((await api(suite.bridge.http, 'GET', `/v1/jobs/${jobId}`, { key })).status, 200);
      for (const { dialect, path, body, message } of SUBMITS) {
        const refused = await api(suite.bridge.http, 'POST', path, { key, body });
        assert.equal(refused.status, 403, dialect);
        assert.match(message(refused.body), /read-only/, dialect);
      }
      const cancel = await api(suite.bridge.http, 'POST', `/v1/jobs/${jobId}/cancel`, { key });
      assert.equal(cancel.status, 403);
    });

    test('an expired key is refused', async () => {
      const { key } = await createKey(suite.bridge, { tenant: 'acme', name: 'old', expires_at: '2020-01-01T00:00:00Z' });
      assert.equal((await api(suite.bridge.http, 'GET', '/bridge/v1/jobs', { key })).status, 401);
    });

    test('a key revoked while its socket streams: the socket closes with 4001 and its next request is refused', async () => {
      const { key, id } = await createKey(suite.bridge, { tenant: 'acme', name: 'revoked' });
      const jobId = await submitTsp(suite.bridge, 30, 2);
      const ws = new WebSocket(`${suite.bridge.ws}/v1/jobs/${jobId}/stream?token=${key}&after=0`);
      await new Promise((resolve) => ws.once('message', resolve));
      const closed = new Promise<[number, string]>((resolve) => ws.once('close', (code, reason) => resolve([code, reason.toString()])));
      assert.equal((await api(suite.bridge.http, 'POST', `/bridge/v1/admin/keys/${id}/revoke`, { key: ADMIN_KEY })).status, 200);
      assert.deepEqual(await closed, [4001, 'API key revoked or expired']);
      assert.equal((await api(suite.bridge.http, 'GET', '/bridge/v1/jobs', { key })).status, 401);
      await api(suite.bridge.http, 'POST', `/v1/jobs/${jobId}/cancel`, { key: TENANT_KEYS.acme });
    });
  });
}

describe('optbridge keys, against the database', () => {
  const suite = useTestBridge('postgres');

  test('create prints the key once, list shows it without its secret, revoke stops it', async () => {
    const env = { DATABASE_URL: suite.store.env.DATABASE_URL! };
    const created = await startCli(['keys', 'create', '--tenant', 'acme', '--name', 'ci', '--scope', 'read'], env).done;
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.trim();
    assert.match(key, /^obk_/);
    assert.equal((await api(suite.bridge.http, 'GET', '/bridge/v1/jobs', { key })).status, 200);

    const listed = await startCli(['keys', 'list', '--tenant', 'acme', '--json'], env).done;
    const entry = JSON.parse(listed.stdout).find((k: any) => k.name === 'ci');
    assert.equal(entry.scope, 'read');
    assert.ok(!listed.stdout.includes(key));

    const revoked = await startCli(['keys', 'revoke', entry.id], env).done;
    assert.equal(revoked.code, 0, revoked.stderr);
    // The bridge trusts a lookup for at most a second, so the refusal follows within one.
    await waitFor(async () => (await api(suite.bridge.http, 'GET', '/bridge/v1/jobs', { key })).status === 401);
    assert.equal((await startCli(['keys', 'revoke', 'key_unknown'], env).done).code, 1);
  });
});
