import { after, before } from 'node:test';
import { api, openTestStore, startTestBridge, submitTsp, TENANT_KEYS, type StoreHandle, type TestBridge } from './bridge.js';
import { collect } from './ws-client.js';

/** The job's first page of recorded events, as the canonical API returns them. */
export async function storedEvents(bridge: TestBridge, jobId: string): Promise<any[]> {
  return (await api(bridge.http, 'GET', `/bridge/v1/jobs/${jobId}/events`, { key: TENANT_KEYS.acme })).body.events;
}

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
