import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type WebSocket from 'ws';
import { encodeJaot } from '../../adapters/jaot/encode.js';
import { jaotProgress, jaotStatus, jaotTerminal } from '../../adapters/jaot/upstream.js';
import { api, range, submitTsp, TENANT_KEYS, type TestBridge } from '../helpers/bridge.js';
import { storedEvents, useDialectSuite } from '../helpers/dialect-suite.js';
import { jaotProgressExample, PRODUCTION_PLANNING } from '../helpers/doc-messages.js';
import { runExample } from '../helpers/examples.js';
import { collect } from '../helpers/ws-client.js';

const KEY = TENANT_KEYS.acme;
const SEED = 5;

/** jaot.txt's example of each execution message, in the order they are decoded below. */
const DOC_MESSAGES = {
  status: { type: 'status', execution_id: 'abc-123', status: 'pending', progress_data: null },
  progress: jaotProgressExample('abc-123'),
  completed: {
    type: 'completed',
    execution_id: 'abc-123',
    status: 'completed',
    result: {
      status: 'optimal',
      objective_value: 3500.0,
      solution: { widgets: 30, gadgets: 60 },
      solve_time_seconds: 12.3,
      credits_used: 3,
      credits_remaining: 97,
    },
  },
  failed: { type: 'failed', execution_id: 'abc-123', status: 'failed', error: 'Solver error: problem is infeasible' },
  cancelled: { type: 'cancelled', execution_id: 'abc-123', status: 'cancelled', result: null },
};

const RESULT_KEYS = ['credits_remaining', 'credits_used', 'objective_value', 'solution', 'solve_time_seconds', 'status'];

async function untilProgress(bridge: TestBridge, jobId: string, count: number): Promise<void> {
  while ((await storedEvents(bridge, jobId)).filter((e) => e.type === 'progress').length < count) await sleep(50);
}

function executionUrl(bridge: TestBridge, jobId: string, key: string = KEY): string {
  return `${bridge.ws}/api/v2/ws/executions/${jobId}?token=${key}`;
}

describe('JAOT dialect', () => {
  const suite = useDialectSuite(SEED, executionUrl);

  test("the doc's full example solves production_planning and prints progress, then the result", async () => {
    const run = await runExample('jaot/solve_with_realtime_progress.py', {
      'API_KEY = "ok_live_..."': `API_KEY = "${KEY}"`,
      'BASE_URL = "https://api.jaot.io"': `BASE_URL = "${suite.bridge.http}"`,
      'WS_BASE = "wss://api.jaot.io"': `WS_BASE = "${suite.bridge.ws}"`,
      '/api/v2/ws/executions/{task_id}"': '/api/v2/ws/executions/{task_id}?token={API_KEY}"',
    });
    assert.equal(run.code, 0, run.stderr);
    const taskId = /^Solve started: (\S+)$/.exec(run.lines[0] ?? '')?.[1];
    assert.ok(taskId, run.lines.join('\n'));
    assert.match(run.lines[1]!, /^Initial status: (pending|running)$/);
    const progress = run.lines.slice(2, -6);
    for (const line of progress) assert.match(line, /^Progress: \d+% \| Objective: \S+ \| Gap: \S+$/);

    // The doc's own numbers (3500 at 30 widgets, 60 gadgets) break labor_hours; 3550 is the optimum.
    const [done, status, objective, solution, time, credits] = run.lines.slice(-6);
    assert.deepEqual([done, status, objective, credits], ['Solve completed!', 'Status: optimal', 'Objective: 3550', 'Credits used: 0']);
    assert.match(solution!, /^Solution: \{'(gadgets': 70, 'widgets': 15|widgets': 15, 'gadgets': 70)\}$/);
    const polled = await api(suite.bridge.http, 'GET', `/api/v2/solve/async/${taskId}`, { key: KEY });
    assert.equal(time, `Time: ${polled.body.result.solve_time_seconds}s`);
  });

  test('a provider that cannot run is a JAOT-shaped 503 naming what to configure', async () => {
    const response = await api(suite.bridge.http, 'POST', '/api/v2/solve/async', {
      key: KEY,
      body: PRODUCTION_PLANNING,
      headers: { 'x-bridge-provider': 'jaot' },
    });
    assert.equal(response.status, 503);
    assert.deepEqual(response.body, { detail: 'provider "jaot" is not configured: set JAOT_URL and JAOT_API_KEY' });
  });

  test("the doc's reconnecting monitor watches an existing execution to its terminal message", async () => {
    const jobId = await submitTsp(suite.bridge, 2, SEED);
    const run = await runExample('jaot/resilient_monitor.py', {
      'wss://api.jaot.io/api/v2/ws/executions/{task_id}': `${suite.bridge.ws}/api/v2/ws/executions/{task_id}?token=${KEY}`,
      'abc-123': jobId,
    });
    assert.equal(run.code, 0, run.stderr);
    const stored = await storedEvents(suite.bridge, jobId);
    const final = JSON.parse(run.lines.at(-1)!);
    assert.equal(final.type, 'completed');
    assert.equal(final.execution_id, jobId);
    assert.equal(final.result.objective_value, stored.at(-1).result.objective);
    // The status greeting, then one line per progress message; the built-in solver reports no fraction done.
    const progressLines = run.lines.slice(0, -1);
    assert.ok(progressLines.length >= 2, run.lines.join('\n'));
    for (const line of progressLines) assert.equal(line, 'Progress: 0%');
  });

  test('a socket opened mid-run gets status with the latest progress, then every later event, then close', async () => {
    const jobId = await submitTsp(suite.bridge, 2, SEED);
    await untilProgress(suite.bridge, jobId, 2);
    const watched = await collect(executionUrl(suite.bridge, jobId));
    const stored = await storedEvents(suite.bridge, jobId);
    const [greeting, ...rest] = watched.messages;

    assert.equal(greeting.type, 'status');
    assert.equal(greeting.execution_id, jobId);
    assert.equal(greeting.status, 'running');
    const latest = greeting.progress_data;
    const event = stored.find((e) => e.seq === latest.x_bridge.seq);
    assert.equal(event.type, 'progress');
    assert.equal(latest.type, 'progress');
    assert.equal(latest.iteration, event.iteration);
    assert.equal(latest.objective_value, event.bestObjective);

    assert.deepEqual(rest.map((m) => m.x_bridge.seq), range(latest.x_bridge.seq + 1, stored.length));
    for (const message of rest.slice(0, -1)) {
      const source = stored.find((e) => e.seq === message.x_bridge.seq);
      assert.equal(message.type, 'progress');
      assert.equal(message.execution_id, jobId);
      assert.equal(message.status, 'running');
      assert.equal(message.iteration, source.iteration);
      assert.equal(message.objective_value, source.bestObjective);
      assert.equal(message.timestamp, source.at);
      assert.equal(message.progress, undefined, 'the built-in solver does not know its fraction done');
    }

    const completed = rest.at(-1);
    const result = stored.at(-1).result;
    assert.equal(completed.type, 'completed');
    assert.equal(completed.status, 'completed');
    assert.deepEqual(Object.keys(completed.result).sort(), RESULT_KEYS);
    assert.deepEqual(completed.result, {
      status: result.status,
      objective_value: result.objective,
      solution: result.solution,
      solve_time_seconds: result.runtimeS,
      credits_used: 0,
      credits_remaining: null,
    });
    assert.equal(watched.closeCode, 1000);
  });

  test('a finished execution: status completed with its last progress, the completed message, then close', async () => {
    const watched = await collect(executionUrl(suite.bridge, suite.finishedJob));
    const stored = await storedEvents(suite.bridge, suite.finishedJob);
    const lastProgress = stored.filter((e) => e.type === 'progress').at(-1);
    assert.deepEqual(watched.messages.map((m) => m.type), ['status', 'completed']);
    assert.equal(watched.messages[0].status, 'completed');
    assert.equal(watched.messages[0].progress_data?.x_bridge.seq, lastProgress?.seq);
    assert.equal(watched.closeCode, 1000);
  });

  test('"ping" gets "pong"; malformed JSON and unknown messages get an error and the socket stays open', async () => {
    const jobId = await submitTsp(suite.bridge, 1, SEED);
    const watched = await collect(executionUrl(suite.bridge, jobId), {
      onOpen: (ws: WebSocket) => {
        ws.send('ping');
        ws.send('{"type": "subscribe"}');
        ws.send('{oops');
      },
    });
    assert.ok(watched.texts.includes('pong'));
    const errors = watched.messages.filter((m) => m.type === 'error');
    assert.equal(errors.length, 2);
    assert.match(errors[0].message, /unknown message type "subscribe"; the only client message is "ping"/);
    assert.match(errors[1].message, /not valid JSON/);
    assert.equal(watched.messages.at(-1).type, 'completed');
    assert.equal(watched.closeCode, 1000);
  });

  test('several clients on one execution receive the same messages', async () => {
    const jobId = await submitTsp(suite.bridge, 1, SEED);
    const clients = await Promise.all([1, 2, 3].map(() => collect(executionUrl(suite.bridge, jobId))));
    const bySeq = new Map<number, string>();
    for (const client of clients) {
      assert.equal(client.messages.at(-1).type, 'completed');
      client.messages.slice(1).forEach((message, i) => {
        const text = client.texts[i + 1]!;
        assert.equal(bySeq.get(message.x_bridge.seq) ?? text, text);
        bySeq.set(message.x_bridge.seq, text);
      });
    }
  });

  test('polling: running with no result, then completed with the result the stream sent', async () => {
    const jobId = await submitTsp(suite.bridge, 2, SEED);
    await untilProgress(suite.bridge, jobId, 1);
    const running = await api(suite.bridge.http, 'GET', `/api/v2/solve/async/${jobId}`, { key: KEY });
    assert.equal(running.status, 200);
    assert.deepEqual(running.body, {
      task_id: jobId,
      status: 'running',
      progress: 0,
      result: null,
      error: null,
      x_bridge: { provider: 'builtin', kind: 'tsp' },
    });
    const watched = await collect(executionUrl(suite.bridge, jobId));
    const done = await api(suite.bridge.http, 'GET', `/api/v2/solve/async/${jobId}`, { key: KEY });
    assert.equal(done.body.status, 'completed');
    assert.equal(done.body.progress, 1);
    assert.deepEqual(done.body.result, watched.messages.at(-1).result);
    assert.equal(done.body.error, null);
  });

  test('cancel: watchers get cancelled with result null, polling shows it, a second cancel is a 409', async () => {
    const jobId = await submitTsp(suite.bridge, 30, SEED);
    const watcher = collect(executionUrl(suite.bridge, jobId));
    await untilProgress(suite.bridge, jobId, 1);
    const cancel = await api(suite.bridge.http, 'POST', `/api/v2/solve/async/${jobId}/cancel`, { key: KEY });
    assert.equal(cancel.status, 202);
    assert.deepEqual(cancel.body, { task_id: jobId, status: 'cancelling' });

    const watched = await watcher;
    const last = watched.messages.at(-1);
    assert.deepEqual([last.type, last.execution_id, last.status, last.result], ['cancelled', jobId, 'cancelled', null]);
    assert.equal(typeof last.x_bridge.result.objective, 'number', "the solver's best so far is kept under x_bridge");
    assert.equal(watched.closeCode, 1000);

    const polled = await api(suite.bridge.http, 'GET', `/api/v2/solve/async/${jobId}`, { key: KEY });
    assert.equal(polled.body.status, 'cancelled');
    assert.equal(polled.body.result, null);
    const again = await api(suite.bridge.http, 'POST', `/api/v2/solve/async/${jobId}/cancel`, { key: KEY });
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, { detail: `Task ${jobId} is already cancelled` });
  });

  test("unknown and another tenant's executions get the doc's error and a close; wrong or missing keys are refused", async () => {
    for (const [jobId, key] of [['job_nope', KEY], [suite.finishedJob, TENANT_KEYS.globex]] as const) {
      const refused = await collect(executionUrl(suite.bridge, jobId, key));
      assert.deepEqual(refused.messages, [{ type: 'error', message: `Execution ${jobId} not found`, x_bridge: { code: 'not_found' } }]);
      assert.equal(refused.closeCode, 4004);
    }
    for (const url of [executionUrl(suite.bridge, suite.finishedJob, 'wrong-key-000000'), `${suite.bridge.ws}/api/v2/ws/executions/${suite.finishedJob}`]) {
      const refused = await collect(url);
      assert.deepEqual(refused.messages, [{ type: 'error', message: 'invalid or missing API key', x_bridge: { code: 'unauthorized' } }]);
      assert.equal(refused.closeCode, 4001);
    }
  });

  test('HTTP errors are FastAPI-shaped: bad problems 400 naming the problem, bad keys 401, unknown and foreign tasks the same 404', async () => {
    const bad: [unknown, RegExp][] = [
      [[1, 2], /^request body must be a JSON object$/],
      [{ ...PRODUCTION_PLANNING, objective: { sense: 'maximise', expression: 'x' } }, /objective.sense: must be "minimize" or "maximize"/],
      [{ ...PRODUCTION_PLANNING, variables: [] }, /variables: must be a non-empty array/],
      [{ ...PRODUCTION_PLANNING, constraints: [{ name: 'c', expression: '2*widgets + bolts <= 3' }] }, /unknown variable "bolts" at column 13/],
    ];
    for (const [body, message] of bad) {
      const response = await api(suite.bridge.http, 'POST', '/api/v2/solve/async', { key: KEY, body });
      assert.equal(response.status, 400);
      assert.match(response.body.detail, message);
    }
    const malformed = await api(suite.bridge.http, 'POST', '/api/v2/solve/async', { key: KEY, rawBody: '{"name": ' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.detail, /not valid JSON/);

    const unauthorized = await api(suite.bridge.http, 'GET', `/api/v2/solve/async/${suite.finishedJob}`, { key: 'wrong-key-000000' });
    assert.deepEqual([unauthorized.status, unauthorized.body], [401, { detail: 'invalid or missing API key' }]);

    const unknown = await api(suite.bridge.http, 'GET', '/api/v2/solve/async/job_nope', { key: KEY });
    const foreign = await api(suite.bridge.http, 'GET', `/api/v2/solve/async/${suite.finishedJob}`, { key: TENANT_KEYS.globex });
    assert.deepEqual([unknown.status, unknown.body], [404, { detail: 'Task job_nope not found' }]);
    assert.deepEqual([foreign.status, foreign.body], [404, { detail: `Task ${suite.finishedJob} not found` }]);
    const foreignCancel = await api(suite.bridge.http, 'POST', `/api/v2/solve/async/${suite.finishedJob}/cancel`, { key: TENANT_KEYS.globex });
    assert.equal(foreignCancel.status, 404);
  });

  test("the doc's messages round-trip through the JAOT provider's decoding and this encoder", () => {
    const decoded = [
      jaotStatus(DOC_MESSAGES.status),
      jaotProgress(DOC_MESSAGES.progress, DOC_MESSAGES.progress),
      jaotTerminal(DOC_MESSAGES.completed),
      jaotTerminal(DOC_MESSAGES.failed),
      jaotTerminal(DOC_MESSAGES.cancelled),
    ];
    for (const [i, draft] of decoded.entries()) {
      const { dedupKey: _dedupKey, ...event } = draft;
      const { x_bridge: extra, ...encoded } = JSON.parse(encodeJaot({ ...event, jobId: 'abc-123', seq: i + 1 }));
      assert.deepEqual(encoded, Object.values(DOC_MESSAGES)[i]);
      assert.equal(extra.seq, i + 1);
    }
  });

  test("another provider's iteration budget gives JAOT its progress fraction", () => {
    const at = '2026-02-19T10:05:30Z';
    const iteration = JSON.parse(encodeJaot({ jobId: 'job_x', seq: 4, type: 'iteration_completed', at, iteration: 5, totalIterations: 20 }));
    assert.deepEqual(iteration, {
      type: 'progress',
      execution_id: 'job_x',
      status: 'running',
      progress: 0.25,
      iteration: 5,
      timestamp: at,
      x_bridge: { seq: 4, totalIterations: 20, type: 'iteration_completed' },
    });
  });
});
