import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { api, openTestStore, startTestBridge, TENANT_KEYS, type StoreHandle, type TestBridge } from './bridge.js';
import { collect } from './ws-client.js';

/**
 * Any job works on any dialect: without the vendor's own upstream, a TSP through the Nerox route is the job to
 * watch. The seed keeps each suite's run the same from one test run to the next.
 */
export async function submitTsp(bridge: TestBridge, timeLimitS: number, seed: number): Promise<string> {
  const coordinates = Array.from({ length: 12 }, (_, i) => [Math.cos(i) * 10 + i, Math.sin(i * 2) * 10]);
  const response = await api(bridge.http, 'POST', '/v1/optimize/tsp', { key: TENANT_KEYS.acme, body: { coordinates, time_limit_s: timeLimitS, seed } });
  assert.equal(response.status, 202);
  return response.body.job_id;
}

/** The job's first page of recorded events, as the canonical API returns them. */
export async function storedEvents(bridge: TestBridge, jobId: string): Promise<any[]> {
  return (await api(bridge.http, 'GET', `/bridge/v1/jobs/${jobId}/events`, { key: TENANT_KEYS.acme })).body.events;
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** What a dialect suite runs against; the fields are set once the suite's `before` hook has run. */
export interface DialectSuite {
  store: StoreHandle;
  bridge: TestBridge;
  /** A job that has run to its end, watched through the dialect's URL until then. */
  finishedJob: string;
}

/** Registers hooks in the calling `describe` that open the suite's store and bridge before its tests and close them after. */
export function useDialectSuite(seed: number, watchUrl: (bridge: TestBridge, jobId: string) => string): DialectSuite {
  const suite = {} as DialectSuite;
  before(async () => {
    suite.store = await openTestStore('postgres');
    suite.bridge = await startTestBridge(suite.store);
    suite.finishedJob = await submitTsp(suite.bridge, 0.5, seed);
    await collect(watchUrl(suite.bridge, suite.finishedJob));
  });
  after(async () => {
    await suite.bridge.close();
    await suite.store.dispose();
  });
  return suite;
}
