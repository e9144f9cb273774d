import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { api, openTestStore, startTestBridge, TENANT_KEYS } from '../helpers/bridge.js';
import { collect } from '../helpers/ws-client.js';

test('with OTEL_EXPORTER_OTLP_ENDPOINT set, spans are exported over OTLP/HTTP', async () => {
  const received: { path: string; type: string; bytes: number }[] = [];
  const collector = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      received.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', bytes });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const port = (collector.address() as { port: number }).port;
  const store = await openTestStore('pglite');
  const bridge = await startTestBridge(store, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` } });
  try {
    const submitted = await api(bridge.http, 'POST', '/v1/optimize/tsp', {
      key: TENANT_KEYS.acme,
      body: { coordinates: [[0, 0], [1, 0], [1, 1]], time_limit_s: 0.2 },
    });
    await collect(`${bridge.ws}/v1/jobs/${submitted.body.job_id}/stream?token=${TENANT_KEYS.acme}&after=0`);
  } finally {
    await bridge.close();
    await store.dispose();
    collector.close();
  }
  assert.ok(received.length >= 1, 'the collector received at least one export');
  assert.ok(received.every((r) => r.path === '/v1/traces'));
  assert.ok(received.reduce((n, r) => n + r.bytes, 0) > 0);
});
