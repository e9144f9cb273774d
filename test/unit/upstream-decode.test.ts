import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jaotAdapter } from '../../adapters/jaot/provider.js';
import { matcraftAdapter } from '../../adapters/matcraft/provider.js';
import { mutagentAdapter } from '../../adapters/mutagent/provider.js';
import { neroxAdapter } from '../../adapters/nerox/provider.js';
import { neroxOutcome } from '../../adapters/nerox/upstream.js';
import { PROJECT_ROOT } from '../../src/config/paths.js';
import type { JobEvent } from '../../src/core/event.js';
import { UpstreamHttp } from '../../src/ingest/upstream/http.js';
import type { VendorAdapter, VendorStream } from '../../src/ingest/upstream/vendor.js';
import { context } from '../../src/telemetry/tracing.js';
import { jaotProgressExample, MATCRAFT_EXAMPLES } from '../helpers/doc-messages.js';
import { getPath } from '../helpers/mapping-table.js';

type Msg = Record<string, any>;

const UPSTREAM_ID = 'up-123';
const ADAPTERS: Record<string, VendorAdapter<string>> = {
  nerox: neroxAdapter,
  jaot: jaotAdapter,
  matcraft: matcraftAdapter,
  mutagent: mutagentAdapter,
};

/** Decoding never calls the vendor; the client only has to exist. */
const http = new UpstreamHttp({
  provider: 'test',
  baseUrl: 'http://127.0.0.1:9',
  apiKey: 'unused',
  requestTimeoutMs: 1,
  backoff: { initialMs: 1, maxMs: 1 },
  giveUpAfterMs: 1,
  signal: new AbortController().signal,
  trace: context.active(),
});

function streamOf(vendor: string): VendorStream {
  const adapter = ADAPTERS[vendor]!;
  return adapter.follow({ upstreamId: UPSTREAM_ID, http, paths: adapter.paths });
}

const progressExample = jaotProgressExample(UPSTREAM_ID);

const mutagentEvent = (eventType: string, data: Msg, id = 4): Msg => ({
  type: 'event',
  jobId: UPSTREAM_ID,
  event: { id, eventType, iteration: 3, stage: 'evaluating', data, timestamp: '2026-03-01T09:00:00Z' },
});

/** The docs' own example messages, one per message the tables name. */
const FIXTURES: Record<string, Record<string, Msg>> = {
  nerox: {
    progress: { type: 'progress', iteration: 4500, energy: -142.3, best_energy: -147.8, best_solution: [1, 0, 1, 1, 0], temperature: 0.082, timestamp: '2026-04-19T12:03:11.482Z' },
    completed: { type: 'completed', result: { objective: -147.8, solution: [1, 0, 1, 1, 0], runtime_s: 8.4, gpu_seconds: 8.4 } },
  },
  jaot: {
    status: { type: 'status', execution_id: UPSTREAM_ID, status: 'running', progress_data: progressExample },
    progress: progressExample,
    completed: {
      type: 'completed',
      execution_id: UPSTREAM_ID,
      status: 'completed',
      result: { status: 'optimal', objective_value: 3500.0, solution: { widgets: 30, gadgets: 60 }, solve_time_seconds: 12.3, credits_used: 3, credits_remaining: 97 },
    },
    failed: { type: 'failed', execution_id: UPSTREAM_ID, status: 'failed', error: 'Solver error: problem is infeasible' },
    error: { type: 'error', message: `Execution ${UPSTREAM_ID} not found` },
  },
  matcraft: MATCRAFT_EXAMPLES,
  mutagent: {
    job_started: mutagentEvent('job_started', { promptId: 'p1', datasetId: 'd1', config: {} }),
    iteration_completed: mutagentEvent('iteration_completed', { score: 0.71 }),
    job_paused: mutagentEvent('job_paused', { pausedAt: '2026-03-01T09:01:00Z', currentIteration: 3 }),
    job_resumed: mutagentEvent('job_resumed', { resumedAt: '2026-03-01T09:02:00Z', resumeFromIteration: 4 }),
    job_completed: mutagentEvent('job_completed', { resultPromptId: 'prompt_9', finalScore: 0.93 }),
    job_failed: mutagentEvent('job_failed', { error: 'Evaluation model unavailable', errorStack: 'Error: …', willRetry: false }),
    job_cancelled: mutagentEvent('job_cancelled', { cancelledAt: '2026-03-01T09:03:00Z', finalIteration: 3 }),
  },
};

interface Row {
  message: string;
  vendorField: string;
  event: string;
  canonicalField: string;
}

const strip = (cell: string): string => cell.trim().replace(/^`|`$/g, '');

/** The first table of `adapters/<vendor>/PROVIDER.md`. */
function providerTable(vendor: string): Row[] {
  const lines = readFileSync(join(PROJECT_ROOT, 'adapters', vendor, 'PROVIDER.md'), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  const rows: Row[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [message, vendorField, event, canonicalField] = line.split('|').slice(1, -1).map(strip);
    rows.push({ message: message!, vendorField: vendorField!, event: event!, canonicalField: canonicalField! });
  }
  return rows;
}

function setPath(target: Msg, path: string, value: unknown): void {
  const parts = path.split('.');
  let current = target;
  for (const part of parts.slice(0, -1)) current = current[part] ??= {};
  current[parts.at(-1)!] = value;
}

/** A value of the same kind as the example's, distinct per row, so a row passes only if that field lands there. */
function sampleLike(example: unknown, n: number): unknown {
  if (typeof example === 'number') return 1000 + n + 0.25;
  if (typeof example === 'string') return Number.isNaN(Date.parse(example)) ? `sample-${n}` : new Date(Date.UTC(2031, 0, 1, 0, n)).toISOString();
  if (Array.isArray(example)) return [n, 7, 3];
  if (typeof example === 'boolean') return !example;
  return { sample: n };
}

for (const vendor of Object.keys(ADAPTERS)) {
  describe(`${vendor} decode table (PROVIDER.md)`, () => {
    const rows = providerTable(vendor);

    test('the table exists and names only documented example messages', () => {
      assert.ok(rows.length >= 9, `adapters/${vendor}/PROVIDER.md has ${rows.length} rows`);
      for (const row of rows) assert.ok(FIXTURES[vendor]![row.message], `no example ${vendor} message "${row.message}"`);
    });

    for (const [n, row] of rows.entries()) {
      test(`${row.message}.${row.vendorField} → ${row.event}.${row.canonicalField}`, () => {
        const message = structuredClone(FIXTURES[vendor]![row.message]!);
        const sample = sampleLike(getPath(message, row.vendorField), n);
        setPath(message, row.vendorField, sample);
        const drafts = streamOf(vendor).decode(message);
        const draft = drafts.find((d) => d.type === row.event);
        assert.ok(draft, `no ${row.event} draft in ${JSON.stringify(drafts.map((d) => d.type))}`);
        assert.deepEqual(getPath(draft, row.canonicalField), sample);
      });
    }

    test('every example decodes to events that keep the message and carry a dedup key', () => {
      for (const [name, message] of Object.entries(FIXTURES[vendor]!)) {
        const drafts = streamOf(vendor).decode(structuredClone(message));
        assert.ok(drafts.length > 0, name);
        for (const draft of drafts) {
          assert.notEqual(draft.type, 'warning', `${name}: ${draft.message}`);
          assert.deepEqual(draft.source, { provider: vendor, raw: message }, name);
          assert.equal(typeof draft.dedupKey, 'string', name);
          assert.ok(!Number.isNaN(Date.parse(draft.at)), `${name}: at ${draft.at}`);
        }
      }
    });

    test('the same message decoded twice, as after a resume, gets the same dedup key', () => {
      for (const [name, message] of Object.entries(FIXTURES[vendor]!)) {
        const keys = [1, 2].map(() => streamOf(vendor).decode(structuredClone(message)).map((d) => d.dedupKey));
        assert.deepEqual(keys[0], keys[1], name);
      }
    });

    test('an undocumented message type is a warning that keeps the message', () => {
      const odd = { type: 'x_sim_unknown', job_id: UPSTREAM_ID, timestamp: '2026-01-01T00:00:00Z' };
      const [draft, ...rest] = streamOf(vendor).decode(odd);
      assert.equal(rest.length, 0);
      assert.equal(draft!.type, 'warning');
      assert.match(draft!.message!, /x_sim_unknown/);
      assert.deepEqual(draft!.source, { provider: vendor, raw: odd });
    });
  });
}

describe('decoding beyond the tables', () => {
  test('nerox: the job view after a close without a terminal message says how the job ended', () => {
    assert.equal(neroxOutcome({ status: 'running' }), undefined);
    assert.deepEqual(neroxOutcome({ status: 'failed', error: 'Solver failed: device lost' })?.error, { code: 'upstream_failed', message: 'Solver failed: device lost' });
    assert.equal(neroxOutcome({ status: 'cancelled' })?.type, 'cancelled');
    const completed = neroxOutcome({ status: 'completed', result: { objective: -3, solution: [1, 0], runtime_s: 1, gpu_seconds: 1 } });
    assert.deepEqual(completed?.result, { objective: -3, solution: [1, 0], runtimeS: 1, gpuSeconds: 1 });
  });

  test('jaot: a message about another execution is a warning and nothing else', () => {
    const [draft, ...rest] = streamOf('jaot').decode({ ...progressExample, execution_id: 'someone-else' });
    assert.equal(rest.length, 0);
    assert.equal(draft!.type, 'warning');
    assert.match(draft!.message!, /another job \(someone-else\)/);
  });

  test('jaot: a greeting repeats no progress the bridge has seen, and after a reconnect marks what it cannot resend', () => {
    const stream = streamOf('jaot');
    const greeting = (progress: Msg | null) => ({ type: 'status', execution_id: UPSTREAM_ID, status: 'running', progress_data: progress });
    stream.opened!();
    assert.deepEqual(stream.decode(greeting(progressExample)).map((d) => d.type), ['status', 'progress'], 'first connection: the latest progress, no gap');
    stream.opened!();
    assert.deepEqual(stream.decode(greeting(progressExample)).map((d) => d.type), ['status'], 'the latest progress was already seen');
    const later = { ...progressExample, iteration: 300, timestamp: '2026-02-19T10:05:40Z' };
    stream.opened!();
    const caughtUp = stream.decode(greeting(later));
    assert.deepEqual(caughtUp.map((d) => d.type), ['status', 'gap', 'progress']);
    assert.equal(caughtUp[2]!.dedupKey, stream.decode(later)[0]!.dedupKey, 'the same update from the greeting and from a progress message is one event');
  });

  test('jaot: after a restart the greeting is checked against the last recorded progress', async () => {
    const greeting = { type: 'status', execution_id: UPSTREAM_ID, status: 'running', progress_data: progressExample };
    const stream = streamOf('jaot');
    await stream.restore!(recorded([{ type: 'status', source: { provider: 'jaot', raw: { type: 'status' } } }, { type: 'progress', source: { provider: 'jaot', raw: progressExample } }]));
    stream.opened!();
    assert.deepEqual(stream.decode(greeting).map((d) => d.type), ['status']);
    const other = streamOf('jaot');
    await other.restore!(recorded([]));
    other.opened!();
    assert.deepEqual(other.decode(greeting).map((d) => d.type), ['status', 'gap', 'progress']);
  });

  test('jaot: polled states become events, progress as a fraction only', async () => {
    const calls: string[] = [];
    const fake = { call: async (method: string, template: string) => (calls.push(`${method} ${template}`), { task_id: UPSTREAM_ID, status: 'running', progress: 0.4 }) };
    const stream = jaotAdapter.follow({ upstreamId: UPSTREAM_ID, http: fake as unknown as UpstreamHttp, paths: jaotAdapter.paths });
    const [draft] = await stream.poll!();
    assert.deepEqual(calls, ['GET /api/v2/solve/async/{id}']);
    assert.equal(draft!.type, 'progress');
    assert.equal(draft!.progress, 0.4);
    assert.equal(draft!.stage, 'polling');
  });

  test('matcraft: progress comes from the iteration and the total announced at iteration_start', () => {
    const stream = streamOf('matcraft');
    const [started] = stream.decode(FIXTURES.matcraft!.iteration_start!);
    assert.equal(started!.progress, 4 / 20);
    const [completed] = stream.decode(FIXTURES.matcraft!.iteration_complete!);
    assert.equal(completed!.progress, 5 / 20);
    assert.equal(completed!.totalIterations, 20);
    const cancelled = stream.decode({ ...FIXTURES.matcraft!.campaign_complete!, data: { status: 'cancelled' } });
    assert.equal(cancelled[0]!.type, 'cancelled');
  });

  test('mutagent: a replay batch is one event per entry, each keeping its own slice of the batch', () => {
    const stream = streamOf('mutagent');
    const events = [1, 2, 3].map((id) => ({ ...FIXTURES.mutagent!.iteration_completed!.event, id, data: { score: id / 10 } }));
    const drafts = stream.decode({ type: 'replay', jobId: UPSTREAM_ID, data: events });
    assert.deepEqual(drafts.map((d) => d.dedupKey), ['event:1', 'event:2', 'event:3']);
    assert.deepEqual(drafts[1]!.source!.raw, { type: 'replay', jobId: UPSTREAM_ID, data: [events[1]] });
    assert.deepEqual(drafts.map((d) => d.bestObjective), [0.1, 0.2, 0.3]);
  });

  test('mutagent: every subscribe resumes after the last event id seen', () => {
    const stream = streamOf('mutagent');
    assert.deepEqual(JSON.parse(stream.opened!()[0]!), { type: 'subscribe', jobId: UPSTREAM_ID, afterEventId: 0 });
    stream.decode(mutagentEvent('iteration_completed', { score: 0.5 }, 9));
    assert.equal(JSON.parse(stream.opened!()[0]!).afterEventId, 9);
    assert.deepEqual(JSON.parse(stream.farewell!()[0]!), { type: 'unsubscribe', jobId: UPSTREAM_ID });
  });

  test('mutagent: after a restart the resume point and best score come from the newest recorded events', async () => {
    const stream = streamOf('mutagent');
    await stream.restore!(
      recorded([
        { type: 'warning', source: { provider: 'mutagent', raw: 'garbage' } },
        { type: 'iteration_completed', bestObjective: 0.8, source: { provider: 'mutagent', raw: { type: 'replay', jobId: UPSTREAM_ID, data: [{ id: 12 }] } } },
        { type: 'iteration_completed', bestObjective: 0.7, source: { provider: 'mutagent', raw: mutagentEvent('iteration_completed', {}, 11) } },
      ]),
    );
    assert.equal(JSON.parse(stream.opened!()[0]!).afterEventId, 12);
    assert.equal(stream.decode(mutagentEvent('iteration_completed', { score: 0.5 }, 13))[0]!.bestObjective, 0.8);
  });

  test('mutagent: protocol chatter is no event; errors and foreign events are told apart', () => {
    const stream = streamOf('mutagent');
    for (const type of ['subscribed', 'unsubscribed', 'pong']) assert.deepEqual(stream.decode({ type, jobId: UPSTREAM_ID }), []);
    assert.equal(stream.decode({ type: 'error', error: 'Job not found', jobId: UPSTREAM_ID })[0]!.type, 'failed');
    assert.equal(stream.decode({ type: 'error', error: 'Not subscribed to job', jobId: UPSTREAM_ID })[0]!.type, 'warning');
    assert.equal(stream.decode({ type: 'error', error: 'Job not found', jobId: 'other' })[0]!.type, 'warning');
    const foreign = stream.decode({ ...mutagentEvent('iteration_completed', { score: 1 }), jobId: 'other' });
    assert.equal(foreign[0]!.type, 'warning');
    assert.equal(JSON.parse(stream.opened!()[0]!).afterEventId, 0, 'a foreign event moves no resume point');
  });

  test('mutagent: a failure it will retry is news, not the end', () => {
    const [draft] = streamOf('mutagent').decode(mutagentEvent('job_failed', { error: 'rate limited', willRetry: true }));
    assert.equal(draft!.type, 'status');
    assert.match(draft!.message!, /rate limited/);
  });

  test('mutagent: an undocumented event type is a warning that still advances the resume point', () => {
    const stream = streamOf('mutagent');
    const [draft] = stream.decode(mutagentEvent('job_teleported', {}, 5));
    assert.equal(draft!.type, 'warning');
    assert.equal(draft!.dedupKey, 'event:5');
    assert.equal(JSON.parse(stream.opened!()[0]!).afterEventId, 5);
  });
});

async function* recorded(events: Partial<JobEvent>[]): AsyncGenerator<JobEvent> {
  for (const [i, event] of events.entries()) yield { jobId: 'job_x', seq: events.length - i, at: '2026-01-01T00:00:00Z', ...event } as JobEvent;
}

