import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { api, openTestStore, startTestBridge, STORES, TENANT_KEYS, type StoreHandle, type TestBridge } from '../helpers/bridge.js';
import { collect } from '../helpers/ws-client.js';

const MAX_CITIES = 50;
const WS_LIMIT = 4096;

const BAD_TSP_BODIES: [string, string, RegExp][] = [
  ['malformed JSON', '{"distance_matrix": [[0,1],[1,0]', /not valid JSON/],
  ['a body that is not an object', '[1,2,3]', /must be a JSON object/],
  ['no problem at all', '{}', /one of distance_matrix or coordinates is required/],
  ['a matrix that is not square', '{"distance_matrix": [[0,1,2],[1,0,2]]}', /must be square: row 0 has 3 entries, expected 2/],
  ['a negative distance', '{"distance_matrix": [[0,-1],[1,0]]}', /distance_matrix\[0\]\[1\] must not be negative/],
  ['a non-numeric distance', '{"distance_matrix": [[0,"far"],[1,0]]}', /distance_matrix\[0\]\[1\] must be a finite number/],
  ['a row that is not an array', '{"distance_matrix": [[0,1],7]}', /distance_matrix\[1\] must be an array/],
  ['bad coordinates', '{"coordinates": [[0,0],[1]]}', /coordinates\[1\] must be \[x, y\]/],
  ['a time limit out of range', '{"coordinates": [[0,0],[1,1]], "time_limit_s": -3}', /time_limit_s must be in/],
  ['an unknown solver', '{"coordinates": [[0,0],[1,1]], "solver": "quantum"}', /solver must be "gpu", "cpu" or "auto"/],
  ['distances that overflow the solver', '{"distance_matrix": [[0,1e300],[1e300,0]]}', /weights' magnitudes add up to 2\.00e\+300/],
  ['a non-integer seed', '{"coordinates": [[0,0],[1,1]], "seed": 1.5}', /seed must be a non-negative integer/],
];

const BAD_BINARY_BODIES: [string, string, string, RegExp][] = [
  ['qubo', 'no matrix', '{}', /one of Q or terms is required/],
  ['qubo', 'a Q that is not square', '{"Q": [[1,2],[3]]}', /Q must be square: row 1 has 1 entries, expected 2/],
  ['qubo', 'a non-numeric coefficient', '{"terms": [[0,1,"x"]]}', /terms\[0\]\[2\] must be a finite number/],
  ['qubo', 'a term outside n', '{"n": 2, "terms": [[0,5,1]]}', /vertex 5 is outside 0..1/],
  ['ising', 'neither couplings nor fields', '{}', /one of J or h is required/],
  ['ising', 'a spin coupled with itself', '{"J": [[2,2,1]]}', /J\[0\] couples spin 2 with itself/],
  ['ising', 'fields that do not match n', '{"n": 3, "h": [1,2], "J": [[0,1,1]]}', /h has 2 entries, expected n = 3/],
  ['ising', 'a coupling outside n', '{"n": 2, "J": [[0,4,1]]}', /vertex 4 is outside 0..1/],
  ['ising', 'a non-numeric field', '{"h": [1,"up"]}', /h\[1\] must be a finite number/],
  ['qubo', 'weights that overflow the solver', '{"n": 3, "terms": [[0,0,1e308],[1,1,1e308],[0,1,-1e308]]}', /weights' magnitudes add up to Infinity; the solver works in 32-bit floats/],
  ['maxcut', 'no graph', '{}', /one of edges or gset is required/],
  ['maxcut', 'a self-loop', '{"edges": [[1,1,2]]}', /self-loop/],
  ['maxcut', 'G-set text with a bad vertex', '{"gset": "3 1\\n1 5 1"}', /gset: G-set line 2: vertex outside 1..3/],
  ['maxcut', 'more vertices than the limit', '{"n": 100000, "edges": [[0,1]]}', /n is 100000; the limit is/],
];

for (const storeKind of STORES) {
  describe(`bad input on ${storeKind}`, () => {
    let store: StoreHandle;
    let bridge: TestBridge;
    let finishedJob: string;
    let finishedEvents: unknown[];

    before(async () => {
      store = await openTestStore(storeKind);
      bridge = await startTestBridge(store, {
        configure: (config) => {
          config.limits.maxTspCities = MAX_CITIES;
          config.limits.maxWsPayloadBytes = WS_LIMIT;
          config.limits.maxHttpBodyBytes = 64 * 1024;
        },
      });
      const submitted = await api(bridge.http, 'POST', '/v1/optimize/tsp', {
        key: TENANT_KEYS.acme,
        body: { coordinates: [[0, 0], [3, 0], [3, 4], [0, 4]], time_limit_s: 0.3 },
      });
      finishedJob = submitted.body.job_id;
      const done = await collect(`${bridge.ws}/v1/jobs/${finishedJob}/stream?token=${TENANT_KEYS.acme}&after=0`);
      assert.equal(done.messages.at(-1).type, 'completed');
      finishedEvents = (await api(bridge.http, 'GET', `/bridge/v1/jobs/${finishedJob}/events`, { key: TENANT_KEYS.acme })).body.events;
    });

    after(async () => {
      // Nothing already stored was lost or changed by any of the bad requests.
      const events = await api(bridge.http, 'GET', `/bridge/v1/jobs/${finishedJob}/events`, { key: TENANT_KEYS.acme });
      assert.deepEqual(events.body.events, finishedEvents);
      await bridge.close();
      await store.dispose();
    });

    for (const [name, body, message] of BAD_TSP_BODIES) {
      test(`POST /v1/optimize/tsp with ${name} is a 400 naming the problem`, async () => {
        const response = await api(bridge.http, 'POST', '/v1/optimize/tsp', { key: TENANT_KEYS.acme, rawBody: body });
        assert.equal(response.status, 400);
        assert.match(response.body.error.message, message);
      });
    }

    for (const [kind, name, body, message] of BAD_BINARY_BODIES) {
      test(`POST /v1/optimize/${kind} with ${name} is a 400 naming the problem`, async () => {
        const response = await api(bridge.http, 'POST', `/v1/optimize/${kind}`, { key: TENANT_KEYS.acme, rawBody: body });
        assert.equal(response.status, 400);
        assert.match(response.body.error.message, message);
      });
    }

    test('more cities than the configured limit is a 400 naming the limit', async () => {
      const coordinates = Array.from({ length: MAX_CITIES + 1 }, (_, i) => [i, i * i]);
      const response = await api(bridge.http, 'POST', '/v1/optimize/tsp', { key: TENANT_KEYS.acme, body: { coordinates } });
      assert.equal(response.status, 400);
      assert.match(response.body.error.message, new RegExp(`has ${MAX_CITIES + 1} cities; the limit is ${MAX_CITIES}`));
    });

    test('an oversized HTTP body is a 413', async () => {
      const response = await api(bridge.http, 'POST', '/v1/optimize/tsp', {
        key: TENANT_KEYS.acme,
        rawBody: JSON.stringify({ coordinates: [[0, 0]], padding: 'x'.repeat(100 * 1024) }),
      });
      assert.equal(response.status, 413);
      assert.equal(response.body.error.code, 'payload_too_large');
    });

    test('wrong or missing tokens are 401 over HTTP', async () => {
      for (const key of ['wrong-key-000000', undefined]) {
        const response = await api(bridge.http, 'POST', '/v1/optimize/tsp', { ...(key && { key }), body: { coordinates: [[0, 0], [1, 1]] } });
        assert.equal(response.status, 401);
        assert.equal(response.body.error.code, 'unauthorized');
      }
      assert.equal((await api(bridge.http, 'GET', `/v1/jobs/${finishedJob}`, { key: 'nope-nope-nope' })).status, 401);
    });

    test('unknown and foreign job ids are 404 over HTTP, never 403', async () => {
      for (const path of ['/v1/jobs/job_doesnotexist', `/v1/jobs/${finishedJob}`, `/bridge/v1/jobs/${finishedJob}/events`, '/v1/jobs/%00', '/bridge/v1/jobs/%E2%82']) {
        const response = await api(bridge.http, 'GET', path, { key: TENANT_KEYS.globex });
        assert.equal(response.status, 404, path);
        assert.equal(response.body.error.code, 'not_found');
      }
      const cancel = await api(bridge.http, 'POST', `/v1/jobs/${finishedJob}/cancel`, { key: TENANT_KEYS.globex });
      assert.equal(cancel.status, 404);
    });

    test('paging parameters out of range are 400s that name them', async () => {
      for (const [query, message] of [
        ['/events?limit=0', /limit must be an integer from 1 to 1000/],
        ['/events?after=0x10', /after must be an integer from 0/],
        ['/events?after=1e309', /after must be an integer from 0/],
      ] as const) {
        const response = await api(bridge.http, 'GET', `/bridge/v1/jobs/${finishedJob}${query}`, { key: TENANT_KEYS.acme });
        assert.equal(response.status, 400, query);
        assert.match(response.body.error.message, message);
      }
      const before = await api(bridge.http, 'GET', '/bridge/v1/jobs?before=%00', { key: TENANT_KEYS.acme });
      assert.equal(before.status, 400);
      assert.match(before.body.error.message, /before must be a job id/);
    });

    test('a provider that cannot run the problem is a 400, not a 503 to retry', async () => {
      const response = await api(bridge.http, 'POST', '/api/v1/campaigns', {
        key: TENANT_KEYS.acme,
        body: { name: 'alloy', objectives: ['strength'] },
        headers: { 'x-bridge-provider': 'builtin' },
      });
      assert.equal(response.status, 400);
      assert.match(JSON.stringify(response.body), /provider \\"builtin\\" cannot run campaign problems/);
    });

    test('cancelling a finished job is a 400 that says so', async () => {
      const response = await api(bridge.http, 'POST', `/v1/jobs/${finishedJob}/cancel`, { key: TENANT_KEYS.acme });
      assert.equal(response.status, 400);
      assert.match(response.body.error.message, /already completed/);
    });

    test('a wrong token on the stream gets an error frame and close code 4001', async () => {
      const result = await collect(`${bridge.ws}/v1/jobs/${finishedJob}/stream?token=wrong-key-00000`);
      assert.equal(result.closeCode, 4001);
      assert.deepEqual(result.messages, [{ type: 'error', error: { code: 'unauthorized', message: 'invalid or missing API key' } }]);
    });

    test('an unknown or foreign job on the stream gets not-found and close code 4004', async () => {
      for (const [job, key] of [['job_nope', TENANT_KEYS.acme], [finishedJob, TENANT_KEYS.globex]] as const) {
        const result = await collect(`${bridge.ws}/v1/jobs/${job}/stream?token=${key}`);
        assert.equal(result.closeCode, 4004);
        assert.equal(result.messages[0].error.code, 'not_found');
      }
    });

    test('a bad after= on the stream is refused with 4000', async () => {
      const result = await collect(`${bridge.ws}/v1/jobs/${finishedJob}/stream?token=${TENANT_KEYS.acme}&after=-2`);
      assert.equal(result.closeCode, 4000);
      assert.match(result.messages[0].error.message, /after must be a non-negative integer/);
      const crawl = await collect(`${bridge.ws}/v1/jobs/${finishedJob}/stream?token=${TENANT_KEYS.acme}&replay=1&speed=0.00001`);
      assert.equal(crawl.closeCode, 4000);
      assert.match(crawl.messages[0].error.message, /speed must be 0 \(as fast as the client reads\) or from 0\.01/);
    });

    test('a Host header that is not a host never ends up in the links the bridge hands out', async () => {
      const { port } = new URL(bridge.http);
      const body = JSON.stringify({ coordinates: [[0, 0], [1, 1], [2, 0]], time_limit_s: 0.1 });
      const created = await new Promise<{ stream_url: string }>((resolve, reject) => {
        const request = httpRequest(
          { host: '127.0.0.1', port, method: 'POST', path: '/v1/optimize/tsp', headers: { host: 'evil.example/x?', authorization: `Bearer ${TENANT_KEYS.acme}`, 'content-type': 'application/json' } },
          (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => (text += chunk.toString()));
            response.on('end', () => resolve(JSON.parse(text)));
          },
        );
        request.on('error', reject);
        request.end(body);
      });
      assert.match(created.stream_url, /^ws:\/\/localhost:\d+\/v1\/jobs\/job_[\w-]+\/stream$/);
    });

    test('an oversized or unexpected frame gets an error; the server keeps serving others', async () => {
      const submitted = await api(bridge.http, 'POST', '/v1/optimize/tsp', {
        key: TENANT_KEYS.acme,
        body: { coordinates: [[0, 0], [1, 0], [1, 1], [0, 1], [2, 2]], time_limit_s: 1 },
      });
      const url = `${bridge.ws}/v1/jobs/${submitted.body.job_id}/stream?token=${TENANT_KEYS.acme}&after=0`;
      const bystander = collect(url);
      const chatty = await collect(url, {
        onOpen: (ws: WebSocket) => {
          ws.send('{"type": "hello"');
          ws.send('x'.repeat(WS_LIMIT + 1));
        },
      });
      assert.equal(chatty.closeCode, 1009);
      const errors = chatty.messages.filter((m) => m.type === 'error').map((m) => m.error.code);
      assert.deepEqual(errors, ['invalid_request', 'payload_too_large']);
      const watched = await bystander;
      assert.equal(watched.closeCode, 1000);
      assert.equal(watched.messages.at(-1).type, 'completed');
      assert.equal((await api(bridge.http, 'GET', '/healthz')).status, 200);
    });

    test('unknown routes are a JSON 404', async () => {
      const response = await api(bridge.http, 'GET', '/v1/nothing-here', { key: TENANT_KEYS.acme });
      assert.equal(response.status, 404);
      assert.match(response.body.error.message, /no route for GET \/v1\/nothing-here/);
    });

    test("a missing route under a dialect's paths is a 404 in that dialect's error shape", async () => {
      const shapes: [string, string, (body: any) => unknown][] = [
        ['GET', '/api/v2/solve/nothing', (body) => body.detail],
        ['DELETE', '/api/optimization/nothing', (body) => body.error],
        ['DELETE', '/api/v1/campaigns/x/nothing', (body) => body.error.code === 'NOT_FOUND' && body.error.message],
        ['GET', '/v1/jobs/x/nothing', (body) => body.error.code === 'not_found' && body.error.message],
      ];
      for (const [method, path, message] of shapes) {
        const response = await api(bridge.http, method, path, { key: TENANT_KEYS.acme });
        assert.equal(response.status, 404, path);
        assert.match(String(message(response.body)), new RegExp(`no route for ${method} ${path}`), path);
      }
    });
  });
}
