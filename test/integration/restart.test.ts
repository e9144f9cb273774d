import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, openTestStore, startTestBridge, STORES, TENANT_KEYS, type StoreHandle } from '../helpers/bridge.js';
import { collect } from '../helpers/ws-client.js';

for (const storeKind of STORES) {
  describe(`restart on ${storeKind}`, () => {
    let store: StoreHandle;

    before(async () => {
      store = await openTestStore(storeKind);
    });

    after(async () => {
      await store.dispose();
    });

    test('after a restart the job and all its events are still served, in every form', async () => {
      const first = await startTestBridge(store);
      const submitted = await api(first.http, 'POST', '/v1/optimize/tsp', {
        key: TENANT_KEYS.acme,
        body: { coordinates: [[0, 0], [4, 0], [4, 3], [0, 3], [2, 5], [1, 1]], time_limit_s: 0.5 },
      });
      const jobId: string = submitted.body.job_id;
      const live = await collect(`${first.ws}/v1/jobs/${jobId}/stream?token=${TENANT_KEYS.acme}&after=0`);
      const before = await api(first.http, 'GET', `/bridge/v1/jobs/${jobId}/events`, { key: TENANT_KEYS.acme });
      const jobBefore = await api(first.http, 'GET', `/v1/jobs/${jobId}`, { key: TENANT_KEYS.acme });
      await first.close();

      const second = await startTestBridge(store);
      try {
        const afterRestart = await api(second.http, 'GET', `/bridge/v1/jobs/${jobId}/events`, { key: TENANT_KEYS.acme });
        assert.equal(afterRestart.status, 200);
        assert.deepEqual(afterRestart.body, before.body);
        assert.deepEqual((await api(second.http, 'GET', `/v1/jobs/${jobId}`, { key: TENANT_KEYS.acme })).body, jobBefore.body);

        const replayed = await collect(`${second.ws}/v1/jobs/${jobId}/stream?token=${TENANT_KEYS.acme}&after=0`);
        assert.deepEqual(replayed.texts, live.texts);
        assert.equal(replayed.closeCode, 1000);

        const paged = await api(second.http, 'GET', `/bridge/v1/jobs/${jobId}/events?after=1&limit=2`, { key: TENANT_KEYS.acme });
        assert.deepEqual(paged.body.events.map((e: any) => e.seq), [2, 3]);
        assert.equal(paged.body.next_after, 3);
      } finally {
        await second.close();
      }
    });
  });
}
