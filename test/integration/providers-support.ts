/**
 * Shared by the providers*.test.ts suites: the four vendor simulators, a bridge configured against them, and
 * ways to submit a job at a vendor and wait for what it recorded. Waiting is by condition, never by a clock.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { canonicalJson } from '../../src/core/canonical.js';
import type { JobEvent } from '../../src/core/event.js';
import { FINAL_JOB_STATUSES, type Job } from '../../src/core/job.js';
import type { Problem } from '../../src/core/problem.js';
import type { UpstreamTuning } from '../../src/ingest/upstream/settings.js';
import { api, openTestStore, startTestBridge, TENANT_KEYS, type StoreHandle, type TestBridge } from '../helpers/bridge.js';
import { startJaotSim, startMatcraftSim, startMutagentSim, startNeroxSim, type MatcraftOptions, type Msg, type VendorSim } from '../vendors/index.js';
import { waitFor } from '../helpers/wait.js';

export { waitFor };

export const VENDORS = ['nerox', 'jaot', 'matcraft', 'mutagent'] as const;
export type Vendor = (typeof VENDORS)[number];

/** Each simulator's create and cancel routes, as counted in its `stats.requests`. */
export const SIM_ROUTES: Record<Vendor, { create: string; cancel: string }> = {
  nerox: { create: 'POST /v1/optimize/:kind', cancel: 'POST /v1/jobs/:id/cancel' },
  jaot: { create: 'POST /api/v2/solve/async', cancel: 'POST /api/v2/solve/async/:id/cancel' },
  matcraft: { create: 'POST /api/v1/campaigns', cancel: 'POST /api/v1/campaigns/:id/cancel' },
  mutagent: { create: 'POST /api/optimization/jobs', cancel: 'POST /api/optimization/jobs/:id/cancel' },
};
export type Sims = Record<Vendor, VendorSim>;

export const KEY = TENANT_KEYS.acme;

export async function startSims(options: Partial<Record<Vendor, MatcraftOptions>> = {}): Promise<Sims> {
  const [nerox, jaot, matcraft, mutagent] = await Promise.all([
    startNeroxSim(options.nerox),
    startJaotSim(options.jaot),
    startMatcraftSim(options.matcraft),
    startMutagentSim(options.mutagent),
  ]);
  return { nerox, jaot, matcraft, mutagent };
}

export async function closeSims(sims: Sims): Promise<void> {
  await Promise.all(Object.values(sims).map((sim) => sim.close()));
}

/** Short retry delays so reconnects do not dominate a test's run time; everything else keeps its default. */
const QUICK: Partial<UpstreamTuning> = { backoffInitialMs: 5, backoffMaxMs: 40, pollIntervalMs: 20 };

export function vendorEnv(sims: Partial<Sims>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [vendor, sim] of Object.entries(sims)) {
    env[`${vendor.toUpperCase()}_URL`] = sim.url;
    env[`${vendor.toUpperCase()}_API_KEY`] = sim.apiKey;
  }
  return env;
}

export function startVendorBridge(
  store: StoreHandle,
  sims: Partial<Sims>,
  options: { tuning?: Partial<UpstreamTuning>; spanProcessors?: SpanProcessor[] } = {},
): Promise<TestBridge> {
  return startTestBridge(store, {
    env: vendorEnv(sims),
    ...(options.spanProcessors && { spanProcessors: options.spanProcessors }),
    // Tuning travels beside each vendor's URL in `providers.<vendor>` (see src/ingest/upstream/settings.ts).
    configure: (config) => {
      for (const vendor of VENDORS) Object.assign(config.providers[vendor], QUICK, options.tuning);
    },
  });
}

/** What a providers suite runs against; the fields are set once the suite's `before` hook has run. */
export interface VendorSuite {
  store: StoreHandle;
  sims: Sims;
}

/**
 * Registers hooks in the calling `describe`: a store and the four simulators (and by default a bridge against
 * them) opened before its tests and closed after them.
 */
export function useVendorSuite(): VendorSuite & { bridge: TestBridge };
export function useVendorSuite(options: { bridge: false }): VendorSuite;
export function useVendorSuite(options: { bridge: boolean } = { bridge: true }): VendorSuite & { bridge?: TestBridge } {
  const suite = {} as VendorSuite & { bridge?: TestBridge };
  before(async () => {
    suite.store = await openTestStore('postgres');
    suite.sims = await startSims();
    if (options.bridge) suite.bridge = await startVendorBridge(suite.store, suite.sims);
  });
  after(async () => {
    await suite.bridge?.close();
    await closeSims(suite.sims);
    await suite.store.dispose();
  });
  return suite;
}

const TSP = [[0, 3, 4, 2], [3, 0, 2, 5], [4, 2, 0, 3], [2, 5, 3, 0]];

export const PROBLEMS: Record<Exclude<Vendor, 'nerox'>, Problem> = {
  jaot: {
    kind: 'lp',
    model: {
      name: 'production_planning',
      objective: { sense: 'maximize', expression: '50*widgets + 40*gadgets' },
      variables: [
        { name: 'widgets', type: 'integer', lower_bound: 0, upper_bound: 100 },
        { name: 'gadgets', type: 'integer', lower_bound: 0, upper_bound: 80 },
      ],
      constraints: [{ name: 'machine_hours', expression: '2*widgets + 3*gadgets <= 240' }],
    },
  },
  matcraft: { kind: 'campaign', spec: { name: 'membrane', objectives: ['permeability', 'salt_rejection'] } },
  mutagent: { kind: 'prompt', spec: { promptId: 'prompt_1', datasetId: 'dataset_1' } },
};

/** Nerox jobs go through the bridge's own Nerox route; the others through the job service (their routes are the dialects'). */
export async function submit(bridge: TestBridge, vendor: Vendor): Promise<string> {
  if (vendor === 'nerox') {
    const response = await api(bridge.http, 'POST', '/v1/optimize/tsp', { key: KEY, body: { distance_matrix: TSP, provider: 'nerox' } });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    return response.body.job_id;
  }
  const job = await bridge.bridge.jobService.submit({ tenantId: 'acme', problem: PROBLEMS[vendor], params: {}, provider: vendor });
  return job.id;
}

export async function jobOf(bridge: TestBridge, jobId: string): Promise<Job> {
  const response = await api(bridge.http, 'GET', `/bridge/v1/jobs/${jobId}`, { key: KEY });
  assert.equal(response.status, 200);
  return response.body;
}

export function upstreamIdOf(bridge: TestBridge, jobId: string): Promise<string> {
  return waitFor(async () => (await jobOf(bridge, jobId)).upstreamId ?? undefined);
}

/** Every recorded event of the job, through the bridge's canonical API. */
export async function eventsOf(bridge: TestBridge, jobId: string): Promise<JobEvent[]> {
  const events: JobEvent[] = [];
  for (let after = 0; ; ) {
    const page = await api(bridge.http, 'GET', `/bridge/v1/jobs/${jobId}/events?after=${after}`, { key: KEY });
    assert.equal(page.status, 200);
    events.push(...page.body.events);
    if (page.body.next_after === null) return events;
    after = page.body.next_after;
  }
}

export async function finished(bridge: TestBridge, jobId: string): Promise<{ job: Job; events: JobEvent[] }> {
  const job = await waitFor(async () => {
    const current = await jobOf(bridge, jobId);
    return FINAL_JOB_STATUSES.has(current.status) && current;
  });
  return { job, events: await eventsOf(bridge, jobId) };
}

export { range } from '../helpers/bridge.js';

export const ofType = (events: JobEvent[], ...types: string[]): JobEvent[] => events.filter((e) => types.includes(e.type));

/**
 * The vendor messages behind a job's recorded events, in order: what to compare with the simulator's history.
 * Bridge-made events (gap, warning) and JAOT's per-connection greetings are not messages of the run.
 */
export function upstreamMessages(vendor: Vendor, events: JobEvent[]): Msg[] {
  const messages: Msg[] = [];
  for (const event of events) {
    const raw = event.source?.raw as Msg | undefined;
    if (!raw || event.type === 'warning' || event.type === 'gap' || event.type === 'status') continue;
    if (vendor === 'jaot' && raw.type === 'status') messages.push(raw.progress_data as Msg);
    else if (vendor === 'mutagent') messages.push((raw.type === 'event' ? raw.event : (raw.data as Msg[])[0]) as Msg);
    else messages.push(raw);
  }
  return messages;
}

/** What a vendor that cannot replay delivered: messages it sent, in the order it sent them, none twice. */
export function assertSentInOrder(received: Msg[], sent: Msg[]): void {
  const got = received.map(canonicalJson);
  const all = sent.map(canonicalJson);
  assert.equal(new Set(got).size, got.length, 'no message twice');
  assert.deepEqual(got, all.filter((message) => got.includes(message)), 'what arrived is what was sent, in order');
}
