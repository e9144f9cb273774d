import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertSentInOrder,
  eventsOf,
  finished,
  ofType,
  range,
  SIM_ROUTES,
  startVendorBridge,
  submit,
  upstreamIdOf,
  upstreamMessages,
  useVendorSuite,
  VENDORS,
  waitFor,
} from './providers-support.js';

describe('a bridge restart in the middle of an upstream job', () => {
  const suite = useVendorSuite({ bridge: false });

  for (const vendor of VENDORS) {
    test(`${vendor}: the job resumes from the stored state, completes, and its seq has no gap`, async () => {
      suite.sims[vendor].jobDefaults = { events: 40, intervalMs: 15 };
      const first = await startVendorBridge(suite.store, suite.sims);
      const jobId = await submit(first, vendor);
      const upstreamId = await upstreamIdOf(first, jobId);
      await waitFor(async () => (await eventsOf(first, jobId)).length >= 5);
      await first.close();
      const run = suite.sims[vendor].job(upstreamId)!;
      assert.ok(!run.done, 'the upstream job outlives the bridge: stop() does not cancel it');

      const second = await startVendorBridge(suite.store, suite.sims);
      try {
        const { job, events } = await finished(second, jobId);
        assert.equal(job.status, 'completed');
        assert.equal(job.upstreamId, upstreamId);
        assert.deepEqual(events.map((e) => e.seq), range(1, events.length));
        assert.equal(suite.sims[vendor].stats.requests[SIM_ROUTES[vendor].create], 1, 'the restarted bridge reattached instead of creating the job again');
        assert.equal(suite.sims[vendor].connectionsFor(upstreamId), 2);
        assert.equal(ofType(events, 'warning').length, 0);

        const received = upstreamMessages(vendor, events);
        if (vendor === 'mutagent') {
          assert.deepEqual(received, run.history, 'afterEventId from the stored events: nothing lost, nothing twice');
          assert.equal(ofType(events, 'gap').length, 0);
        } else {
          assertSentInOrder(received, run.history);
        }
        if (vendor === 'nerox' || vendor === 'matcraft') {
          // A run that had begun before the first bridge connected also starts with a gap of its own.
          const [gap, ...more] = ofType(events, 'gap').filter((g) => !/before the bridge's stream connected/.test(g.message!));
          assert.equal(more.length, 0);
          assert.match(gap!.message!, /the bridge restarted/);
        }
      } finally {
        await second.close();
      }
    });
  }
});
