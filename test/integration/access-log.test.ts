import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { api, TENANT_KEYS, useTestBridge } from '../helpers/bridge.js';
import { waitFor } from '../helpers/wait.js';

describe('access log (BRIDGE_ACCESS_LOG=1)', () => {
  const lines: string[] = [];
  const suite = useTestBridge('postgres', { env: { BRIDGE_ACCESS_LOG: '1' }, log: (line) => lines.push(line) });

  test('one line per request and upgrade, with the token in the query redacted', async () => {
    const key = TENANT_KEYS.acme;
    assert.equal((await api(suite.bridge.http, 'GET', `/bridge/v1/jobs?token=${key}&limit=5`)).status, 200);
    assert.equal((await api(suite.bridge.http, 'GET', '/bridge/v1/jobs/job_unknown', { key })).status, 404);
    const socket = new WebSocket(`${suite.bridge.ws}/v1/jobs/job_unknown/stream?token=${key}&after=3`);
    await new Promise((resolve) => socket.once('close', resolve));

    await waitFor(() => lines.some((l) => l.includes('/v1/jobs/job_unknown/stream')));
    const access = lines.filter((l) => l.startsWith('access '));
    assert.ok(access.some((l) => /^access GET \/bridge\/v1\/jobs\?token=REDACTED&limit=5 200 \d+\.\dms$/.test(l)), access.join('\n'));
    assert.ok(access.some((l) => /^access GET \/bridge\/v1\/jobs\/job_unknown 404 /.test(l)), access.join('\n'));
    assert.ok(access.some((l) => l.startsWith('access GET /v1/jobs/job_unknown/stream?token=REDACTED&after=3 101')), access.join('\n'));
    assert.ok(lines.every((l) => !l.includes(key)), 'no line holds the key');
  });
});
