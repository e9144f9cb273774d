import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeError } from '../../src/core/errors.js';
import { api, type TestBridge } from '../helpers/bridge.js';
import { startMatcraftSim } from '../vendors/index.js';
import {
  eventsOf,
  finished,
  jobOf,
  KEY,
  ofType,
  PROBLEMS,
  range,
  SIM_ROUTES,
  startVendorBridge,
  submit,
  upstreamIdOf,
  upstreamMessages,
  useVendorSuite,
  VENDORS,
  waitFor,
  type Vendor,
} from './providers-support.js';

/** What each simulator says when its run fails, as the job's error should repeat it. */
const VENDOR_FAILURE: Record<Vendor, { code: string; message: string }> = {
  nerox: { code: 'upstream_failed', message: 'Solver failed: device lost' },
  jaot: { code: 'upstream_failed', message: 'Solver error: problem is infeasible' },
  matcraft: { code: 'SURROGATE_TRAINING_FAILED', message: 'NaN detected in surrogate predictions' },
  mutagent: { code: 'upstream_failed', message: 'Evaluation model unavailable' },
};

describe('upstream failures, cancel and keepalive', () => {
  const suite = useVendorSuite();

  const requests = (vendor: Vendor, route: string): number => suite.sims[vendor].stats.requests[route] ?? 0;

  async function held(vendor: Vendor, on: TestBridge = suite.bridge): Promise<{ jobId: string; upstreamId: string }> {
    suite.sims[vendor].jobDefaults = { autoStart: false, events: 12, intervalMs: 5 };
    const jobId = await submit(on, vendor);
    const upstreamId = await upstreamIdOf(on, jobId);
    await waitFor(() => suite.sims[vendor].connectionsFor(upstreamId) >= 1);
    return { jobId, upstreamId };
  }

  for (const vendor of VENDORS) {
    test(`${vendor}: a refused key on create fails the job at once with the vendor's message`, async () => {
      const before = requests(vendor, SIM_ROUTES[vendor].create);
      suite.sims[vendor].faults = { refuseAuth: true };
      try {
        const { job } = await finished(suite.bridge, await submit(suite.bridge, vendor));
        assert.equal(job.status, 'failed');
        assert.equal(job.error?.code, 'upstream_rejected');
        assert.match(job.error!.message, /HTTP 401: Invalid API key/);
        assert.equal(requests(vendor, SIM_ROUTES[vendor].create) - before, 1, 'a 4xx is not retried');
      } finally {
        suite.sims[vendor].faults = {};
      }
    });

    test(`${vendor}: a failure the vendor reports ends the job with the vendor's own words`, async () => {
      suite.sims[vendor].jobDefaults = { events: 6, intervalMs: 5, outcome: 'failed' };
      const { job, events } = await finished(suite.bridge, await submit(suite.bridge, vendor));
      assert.equal(job.status, 'failed');
      assert.deepEqual({ code: job.error?.code, message: job.error?.message }, VENDOR_FAILURE[vendor]);
      assert.equal(events.at(-1)!.type, 'failed');
    });

    test(`${vendor}: cancel goes upstream and the vendor's answer ends the run`, async () => {
      const { jobId, upstreamId } = await held(vendor);
      if (vendor === 'nerox') {
        assert.equal((await api(suite.bridge.http, 'POST', `/v1/jobs/${jobId}/cancel`, { key: KEY })).status, 202);
      } else {
        await suite.bridge.bridge.jobService.cancel(await jobOf(suite.bridge, jobId));
      }
      const { job } = await finished(suite.bridge, jobId);
      assert.equal(job.status, 'cancelled');
      assert.equal(suite.sims[vendor].job(upstreamId)!.status, 'cancelled');
      assert.equal(requests(vendor, SIM_ROUTES[vendor].cancel), 1);
      assert.equal(suite.sims[vendor].connectionsFor(upstreamId), 1);
    });
  }

  test('an outage on create is retried with backoff until the vendor answers', async () => {
    suite.sims.nerox.faults = { httpStatus5xx: true };
    suite.sims.nerox.jobDefaults = { events: 5, intervalMs: 5 };
    const before = requests('nerox', SIM_ROUTES.nerox.create);
    const jobId = await submit(suite.bridge, 'nerox');
    await waitFor(() => requests('nerox', SIM_ROUTES.nerox.create) - before >= 3);
    suite.sims.nerox.faults = {};
    const { job } = await finished(suite.bridge, jobId);
    assert.equal(job.status, 'completed');
  });

  test('an outage on create longer than the give-up time fails the job with the reason', async () => {
    const impatient = await startVendorBridge(suite.store, suite.sims, { tuning: { giveUpAfterMs: 50 } });
    suite.sims.jaot.faults = { httpStatus5xx: true };
    try {
      const { job } = await finished(impatient, await submit(impatient, 'jaot'));
      assert.equal(job.status, 'failed');
      assert.equal(job.error?.code, 'upstream_unavailable');
      assert.match(job.error!.message, /^jaot did not answer POST \/api\/v2\/solve\/async within 50 ms: jaot answered HTTP 503: Service unavailable$/);
    } finally {
      suite.sims.jaot.faults = {};
      await impatient.close();
    }
  });

  test('a stream the vendor refuses for good fails the job instead of reconnecting forever', async () => {
    const first = await startVendorBridge(suite.store, suite.sims);
    const jobs = await Promise.all(VENDORS.map((vendor) => held(vendor, first)));
    await first.close();
    for (const sim of Object.values(suite.sims)) sim.faults = { refuseAuth: true };
    const second = await startVendorBridge(suite.store, suite.sims);
    try {
      for (const [i, vendor] of VENDORS.entries()) {
        const { job } = await finished(second, jobs[i]!.jobId);
        assert.equal(job.status, 'failed', vendor);
        assert.match(job.error!.message, /Invalid API key|Unauthorized/, vendor);
      }
    } finally {
      for (const sim of Object.values(suite.sims)) sim.faults = {};
      await second.close();
    }
  });

  test('jaot falls back to HTTP polling while its socket keeps failing, and returns to the socket when it works', async () => {
    suite.sims.jaot.faults = { dropAfterEvents: 0 };
    const { jobId, upstreamId } = await held('jaot');
    const run = suite.sims.jaot.job(upstreamId)!;
    await waitFor(() => requests('jaot', 'GET /api/v2/solve/async/:id') > 0);
    run.tick();
    run.tick();
    await waitFor(async () => (await eventsOf(suite.bridge, jobId)).some((e) => e.stage === 'polling'));
    suite.sims.jaot.faults = {};
    await waitFor(async () => (await eventsOf(suite.bridge, jobId)).some((e) => (e.source?.raw as { type?: string })?.type === 'status'));
    // A run advanced by hand does not start its timer again: the rest is ticked out too.
    while (!run.done) run.tick();
    const { job, events } = await finished(suite.bridge, jobId);
    assert.equal(job.status, 'completed');
    assert.deepEqual(events.map((e) => e.seq), range(1, events.length));
    const polled = events.findIndex((e) => e.stage === 'polling');
    const greeting = events.findIndex((e) => (e.source?.raw as { type?: string })?.type === 'status');
    assert.ok(polled >= 0 && greeting > polled, 'polled progress first, then the socket again');
    assert.deepEqual(events.slice(greeting, greeting + 3).map((e) => e.type), ['status', 'gap', 'progress'], 'updates missed while polling are marked');
    assert.equal((events.at(-1)!.source?.raw as { type?: string }).type, 'completed', 'the end came over the socket');
  });

  for (const vendor of ['mutagent', 'jaot'] as const) {
    test(`${vendor}: a vendor gone silent is caught by the keepalive and the stream reopened`, async () => {
      const watchful = await startVendorBridge(suite.store, suite.sims, { tuning: { keepaliveMs: 20 } });
      try {
        const { jobId, upstreamId } = await held(vendor, watchful);
        suite.sims[vendor].faults = { stall: true };
        await waitFor(() => suite.sims[vendor].connectionsFor(upstreamId) >= 3);
        suite.sims[vendor].faults = {};
        suite.sims[vendor].startJob(upstreamId);
        const { job, events } = await finished(watchful, jobId);
        assert.equal(job.status, 'completed');
        assert.deepEqual(events.map((e) => e.seq), range(1, events.length));
        if (vendor === 'mutagent') assert.deepEqual(upstreamMessages(vendor, events), suite.sims[vendor].job(upstreamId)!.history);
      } finally {
        suite.sims[vendor].faults = {};
        await watchful.close();
      }
    });
  }

  test('matcraft: its server ping frames are answered, so the one connection lives through the campaign', async () => {
    // Held until the bridge is connected: MatCraft replays nothing, so messages sent before would be a gap.
    const pinging = await startMatcraftSim({ pingIntervalMs: 100, job: { events: 40, intervalMs: 15, autoStart: false } });
    const matcraftOnly = await startVendorBridge(suite.store, { matcraft: pinging });
    try {
      const jobId = await submit(matcraftOnly, 'matcraft');
      const upstreamId = await upstreamIdOf(matcraftOnly, jobId);
      await waitFor(() => pinging.connectionsFor(upstreamId) === 1);
      pinging.startJob(upstreamId);
      const { job, events } = await finished(matcraftOnly, jobId);
      assert.equal(job.status, 'completed');
      assert.equal(pinging.connectionsFor(upstreamId), 1);
      assert.equal(ofType(events, 'gap').length, 0);
    } finally {
      await matcraftOnly.close();
      await pinging.close();
    }
  });

  test('matcraft: campaigns beyond its 10 sockets per key wait for a slot instead of being refused', async () => {
    const limited = await startMatcraftSim({ job: { events: 12, intervalMs: 20 } });
    const matcraftOnly = await startVendorBridge(suite.store, { matcraft: limited });
    try {
      const jobIds = await Promise.all(Array.from({ length: 13 }, () => submit(matcraftOnly, 'matcraft')));
      const runs = await Promise.all(jobIds.map((jobId) => finished(matcraftOnly, jobId)));
      assert.equal(limited.stats.requests['WS /api/v1/ws/campaigns/:id'], 13, 'one socket per campaign, none refused');
      for (const { job } of runs) {
        assert.equal(job.status, 'completed');
        assert.equal(limited.connectionsFor(job.upstreamId!), 1);
      }
      const waited = runs.filter(({ events }) => ofType(events, 'gap').some((e) => /waited .* for one of the 10 sockets matcraft allows per API key/.test(e.message!)));
      assert.ok(waited.length >= 3, `${waited.length} campaigns waited for a socket`);
      for (const { events } of runs) assert.ok(ofType(events, 'gap').length <= 1);
    } finally {
      await matcraftOnly.close();
      await limited.close();
    }
  });

  test('matcraft: a campaign cancelled while it waits for a socket ends cancelled without ever connecting', async () => {
    const held = await startMatcraftSim({ job: { autoStart: false } });
    const matcraftOnly = await startVendorBridge(suite.store, { matcraft: held });
    try {
      const holders = await Promise.all(Array.from({ length: 10 }, () => submit(matcraftOnly, 'matcraft')));
      const holderIds = await Promise.all(holders.map((jobId) => upstreamIdOf(matcraftOnly, jobId)));
      await waitFor(() => holderIds.every((id) => held.connectionsFor(id) === 1));
      const queued = await submit(matcraftOnly, 'matcraft');
      const queuedUpstream = await upstreamIdOf(matcraftOnly, queued);
      await matcraftOnly.bridge.jobService.cancel(await jobOf(matcraftOnly, queued));
      const { job, events } = await finished(matcraftOnly, queued);
      assert.equal(job.status, 'cancelled');
      assert.match(events.at(-1)!.message!, /cancelled while waiting for a matcraft socket/);
      assert.equal(held.connectionsFor(queuedUpstream), 0);
      assert.equal(held.job(queuedUpstream)!.status, 'cancelled', 'the cancel reached MatCraft');
    } finally {
      await matcraftOnly.close();
      await held.close();
    }
  });

  test('a vendor without URL or key is a clear refusal naming the settings', async () => {
    const partial = await startVendorBridge(suite.store, { nerox: suite.sims.nerox });
    try {
      await assert.rejects(
        partial.bridge.jobService.submit({ tenantId: 'acme', problem: PROBLEMS.matcraft, params: {}, provider: 'matcraft' }),
        (error: unknown) => error instanceof BridgeError && error.code === 'provider_unavailable' && /set MATCRAFT_URL and MATCRAFT_API_KEY/.test(error.message),
      );
    } finally {
      await partial.close();
    }
  });
});
