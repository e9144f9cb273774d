import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobEvent } from '../../src/core/event.js';
import { DRIVERS } from '../conformance/drivers/index.js';
import { api, type TestBridge } from '../helpers/bridge.js';
import { assertCampaignCompleteFields, assertMutagentEventsComplete } from '../helpers/doc-fields.js';
import {
  assertSentInOrder,
  eventsOf,
  finished,
  KEY,
  ofType,
  range,
  submit,
  upstreamIdOf,
  upstreamMessages,
  useVendorSuite,
  VENDORS,
  waitFor,
  type Sims,
  type Vendor,
} from './providers-support.js';

const seqs = (events: { seq: number }[]): number[] => events.map((e) => e.seq);

/** A run held until the bridge is connected, so even a live-only vendor's first message reaches it. */
async function heldJob(bridge: TestBridge, sims: Sims, vendor: Vendor): Promise<{ jobId: string; upstreamId: string }> {
  const jobId = await submit(bridge, vendor);
  const upstreamId = await upstreamIdOf(bridge, jobId);
  await waitFor(() => sims[vendor].connectionsFor(upstreamId) === 1);
  return { jobId, upstreamId };
}

function assertWholeRun(vendor: Vendor, sims: Sims, upstreamId: string, events: JobEvent[]): void {
  assert.deepEqual(upstreamMessages(vendor, events), sims[vendor].job(upstreamId)!.history, 'every upstream message exactly once, in order');
}

describe('upstream providers against the vendor simulators', () => {
  const suite = useVendorSuite();

  for (const vendor of VENDORS) {
    test(`${vendor}: one job watched in every dialect at once; every client gets every event once, over one upstream connection`, async () => {
      suite.sims[vendor].jobDefaults = { autoStart: false, events: 16, intervalMs: 10 };
      const { jobId, upstreamId } = await heldJob(suite.bridge, suite.sims, vendor);
      const watching = Promise.all(DRIVERS.map((driver) => driver.watch(suite.bridge, KEY, jobId, { after: 0 })));
      suite.sims[vendor].startJob(upstreamId);
      const watches = await watching;
      const { job, events } = await finished(suite.bridge, jobId);

      assert.equal(job.status, 'completed');
      assert.deepEqual(seqs(events), range(1, events.length));
      assert.equal(ofType(events, 'gap', 'warning').length, 0);
      assertWholeRun(vendor, suite.sims, upstreamId, events);
      for (const [i, watch] of watches.entries()) {
        const driver = DRIVERS[i]!;
        const seen = seqs(watch.observed);
        // A dialect without resume (JAOT) joins at the live point: from there on it too misses nothing.
        const from = driver.resumes ? 1 : (seen[0] ?? events.length);
        assert.deepEqual(seen, range(from, events.length), `${driver.name} client`);
        assert.equal(watch.observed.at(-1)?.type, 'completed', `${driver.name} client ends with the terminal message`);
        if (driver.name === 'mutagent') assertMutagentEventsComplete(watch.raw, `${vendor} job`);
        if (driver.name === 'matcraft') assertCampaignCompleteFields(watch.raw, `${vendor} job`);
      }
      assert.equal(suite.sims[vendor].connectionsFor(upstreamId), 1);
    });
  }

  describe('with the simulator dropping the connection every 7 messages', () => {
    before(() => {
      for (const sim of Object.values(suite.sims)) sim.faults = { dropAfterEvents: 7 };
    });

    after(() => {
      for (const sim of Object.values(suite.sims)) sim.faults = {};
    });

    test('mutagent resumes with afterEventId: nothing lost, nothing twice', async () => {
      suite.sims.mutagent.jobDefaults = { events: 30, intervalMs: 5 };
      const jobId = await submit(suite.bridge, 'mutagent');
      const upstreamId = await upstreamIdOf(suite.bridge, jobId);
      const { job, events } = await finished(suite.bridge, jobId);
      assert.equal(job.status, 'completed');
      assert.deepEqual(seqs(events), range(1, events.length));
      assertWholeRun('mutagent', suite.sims, upstreamId, events);
      assert.equal(ofType(events, 'gap', 'warning').length, 0);
      assert.ok(suite.sims.mutagent.connectionsFor(upstreamId) > 2, 'the connection was dropped and resumed');
    });

    test('jaot recovers through the status greeting: nothing lost, nothing twice', async () => {
      // JAOT replays nothing: the run advances one message at a time, each after the bridge recorded the last
      // and, when the simulator has cut the socket, after the bridge reconnected.
      suite.sims.jaot.jobDefaults = { autoStart: false, events: 30 };
      const { jobId, upstreamId } = await heldJob(suite.bridge, suite.sims, 'jaot');
      const sim = suite.sims.jaot;
      const run = sim.job(upstreamId)!;
      let connections = 1;
      let onSocket = 1; // the greeting
      while (!run.done) {
        run.tick();
        const published = run.history.length;
        await waitFor(async () => upstreamMessages('jaot', (await eventsOf(suite.bridge, jobId))).length >= published);
        if (++onSocket === 7 && !run.done) {
          connections++;
          onSocket = 1;
          await waitFor(() => sim.connectionsFor(upstreamId) === connections);
        }
      }
      const { job, events } = await finished(suite.bridge, jobId);
      assert.equal(job.status, 'completed');
      assert.deepEqual(seqs(events), range(1, events.length));
      assertWholeRun('jaot', suite.sims, upstreamId, events);
      assert.equal(ofType(events, 'gap', 'warning').length, 0);
      assert.deepEqual(ofType(events, 'status').map((e) => e.stage), ['pending', 'running'], 'a greeting adds an event only when the state changed');
      assert.ok(connections > 2);
    });

    for (const vendor of ['nerox', 'matcraft'] as const) {
      test(`${vendor} cannot replay: each reconnect is recorded as a gap, and nothing arrives twice`, async () => {
        suite.sims[vendor].jobDefaults = { events: 30, intervalMs: 5 };
        const jobId = await submit(suite.bridge, vendor);
        const upstreamId = await upstreamIdOf(suite.bridge, jobId);
        const { job, events } = await finished(suite.bridge, jobId);
        assert.equal(job.status, 'completed');
        assert.deepEqual(seqs(events), range(1, events.length));
        const connections = suite.sims[vendor].connectionsFor(upstreamId);
        assert.ok(connections > 2, 'the connection was dropped and reopened');
        // A run this fast may also have sent messages before the first connect: that is a gap of its own.
        const gaps = ofType(events, 'gap').filter((gap) => !/before the bridge's stream connected/.test(gap.message!));
        assert.equal(gaps.length, connections - 1, 'one gap per reconnect');
        for (const gap of gaps) assert.match(gap.message!, new RegExp(`${vendor} does not resend`));
        assertSentInOrder(upstreamMessages(vendor, events), suite.sims[vendor].job(upstreamId)!.history);
      });
    }
  });

  test('a malformed-frame storm at every vendor: recorded as warnings, and the bridge serves every job without error', async () => {
    for (const sim of Object.values(suite.sims)) {
      sim.faults = { malformedEvery: 1, unknownTypeEvery: 2, duplicateEvery: 3, hostileEvery: 4 };
      sim.jobDefaults = { autoStart: false, events: 12, intervalMs: 5 };
    }
    try {
      const held = await Promise.all(VENDORS.map((vendor) => heldJob(suite.bridge, suite.sims, vendor)));
      const builtin = await api(suite.bridge.http, 'POST', '/v1/optimize/tsp', { key: KEY, body: { coordinates: [[0, 0], [3, 0], [3, 4], [0, 4]], time_limit_s: 0.3 } });
      assert.equal(builtin.status, 202);
      for (const [i, vendor] of VENDORS.entries()) suite.sims[vendor].startJob(held[i]!.upstreamId);

      for (const [i, vendor] of VENDORS.entries()) {
        const { job, events } = await finished(suite.bridge, held[i]!.jobId);
        assert.equal(job.status, 'completed', vendor);
        assert.deepEqual(seqs(events), range(1, events.length), vendor);
        assertWholeRun(vendor, suite.sims, held[i]!.upstreamId, events);
        const warnings = ofType(events, 'warning');
        assert.ok(warnings.some((w) => typeof w.source?.raw === 'string'), `${vendor}: malformed frames recorded`);
        assert.ok(warnings.some((w) => (w.source?.raw as { type?: string })?.type === 'x_sim_unknown'), `${vendor}: unknown types recorded`);
        const hostile = warnings.find((w) => (w.source?.raw as { type?: string })?.type === 'x_sim_hostile');
        assert.ok(hostile, `${vendor}: frames no store takes as they are are recorded too`);
        assert.deepEqual({ ...(hostile.source!.raw as object), deep: undefined }, {
          type: 'x_sim_hostile',
          job_id: held[i]!.upstreamId,
          energy: null,
          text: 'a\uFFFDb\uFFFD',
          deep: undefined,
        });
      }
      const other = await finished(suite.bridge, builtin.body.job_id);
      assert.equal(other.job.status, 'completed');
      assert.equal(ofType(other.events, 'warning').length, 0);
      assert.equal((await api(suite.bridge.http, 'GET', '/healthz')).status, 200);
    } finally {
      for (const sim of Object.values(suite.sims)) sim.faults = {};
    }
  });
});
