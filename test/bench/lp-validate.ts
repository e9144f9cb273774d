/**
 * How long the bridge's event loop stays blocked while an 8 MB JAOT LP is submitted and solved: the
 * longest and the p99 event-loop delay (perf_hooks.monitorEventLoopDelay) from the POST until the job
 * has completed. The baseline, in the same run on the same bridge, adds the old path's main-thread work:
 * parseLinearModel inline on the event loop twice, as `validate` did at submit and solveLinear did again
 * when the job started, before issue 13 moved both into worker threads.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseLinearModel } from '../../src/solver/lp/linear-model.js';
import { api, openTestStore, startTestBridge, TENANT_KEYS, type TestBridge } from '../helpers/bridge.js';
import { PRODUCTION_PLANNING } from '../helpers/doc-messages.js';
import { largeLinearModel } from '../helpers/large-lp.js';
import { collect } from '../helpers/ws-client.js';
import { machineDescription, markdownTable, replaceSection } from './readme.js';

const record = process.env.BENCH_QUICK !== '1';
const ROUNDS = record ? 3 : 1;
const BYTES = 8_000_000;
const KEY = TENANT_KEYS.acme;

interface Round {
  maxMs: number;
  p99Ms: number;
  /** Only the worker path's is shown: the baseline's inline parse also holds up the request it runs beside. */
  submitMs: number;
}

/** Waits on the execution's socket, which (unlike polling, whose answer loads the 8 MB problem) costs the bridge next to nothing. */
async function untilFinished(bridge: TestBridge, taskId: string): Promise<void> {
  const watched = await collect(`${bridge.ws}/api/v2/ws/executions/${taskId}?token=${KEY}`);
  const last = watched.messages.at(-1);
  if (last?.type !== 'completed') throw new Error(`the LP job ended ${JSON.stringify(last)}`);
}

/** One submit and solve; `inline` is the old path's parse, run on this event loop while the request is in flight and when it is answered. */
async function round(bridge: TestBridge, model: Record<string, unknown>, body: string, inline: boolean): Promise<Round> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  const submitting = api(bridge.http, 'POST', '/api/v2/solve/async', { key: KEY, rawBody: body });
  if (inline) parseLinearModel(model);
  const submitted = await submitting;
  const submitMs = performance.now() - started;
  if (submitted.status !== 202) throw new Error(`submitting the LP answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
  if (inline) parseLinearModel(model);
  await untilFinished(bridge, submitted.body.task_id);
  delay.disable();
  return { maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6, submitMs };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const loadAtStart = loadavg()[0]!;
const store = await openTestStore('postgres');
const bridge = await startTestBridge(store);
try {
  // A first small job starts the worker threads and loads HiGHS, so neither variant pays for that.
  const warm = await api(bridge.http, 'POST', '/api/v2/solve/async', { key: KEY, body: PRODUCTION_PLANNING });
  await untilFinished(bridge, warm.body.task_id);

  const model = largeLinearModel(BYTES);
  const body = JSON.stringify(model);
  const runs = { old: [] as Round[], workers: [] as Round[] };
  for (let i = 0; i < ROUNDS; i++) {
    runs.old.push(await round(bridge, model, body, true));
    runs.workers.push(await round(bridge, model, body, false));
  }
  const summary = (rounds: Round[]): Round => ({
    maxMs: median(rounds.map((r) => r.maxMs)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    submitMs: median(rounds.map((r) => r.submitMs)),
  });
  const old = summary(runs.old);
  const workers = summary(runs.workers);
  const items = `${body.length} B`;
  const rows = [
    ['LP submit + solve', 'old path: parseLinearModel inline twice (baseline)', items, `max ${old.maxMs.toFixed(0)} ms, p99 ${old.p99Ms.toFixed(0)} ms`, '1.0×'],
    ['LP submit + solve', 'parse in worker threads', items, `max ${workers.maxMs.toFixed(0)} ms, p99 ${workers.p99Ms.toFixed(0)} ms`, `${(old.maxMs / workers.maxMs).toFixed(1)}× shorter max`],
    ['LP submit latency', 'parse in worker threads (the check still runs before the 202)', items, `${workers.submitMs.toFixed(0)} ms to 202`, ''],
  ];
  const section = [
    machineDescription(loadAtStart),
    `- median of ${ROUNDS} alternating rounds; event-loop delay sampled every 1 ms from the POST until the job completed`,
    '',
    markdownTable(rows),
  ].join('\n');
  console.log(section);
  if (record) await replaceSection('lp-validate', `Latest full run:\n\n${section}`);
} finally {
  await bridge.close();
  await store.dispose();
}
