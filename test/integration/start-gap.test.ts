import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertSentInOrder,
  finished,
  ofType,
  range,
  submit,
  upstreamIdOf,
  upstreamMessages,
  useVendorSuite,
  waitFor,
} from './providers-support.js';

const START_GAP = /nerox had reached iteration \d+ before the bridge's stream connected/;
const MATCRAFT_START_GAP = /the first matcraft message was \w+ of iteration 1: the campaign had begun before the bridge's stream connected/;

describe('the start gap: what a live-only vendor sent before the first connection', () => {
  const suite = useVendorSuite();

  test('a Nerox job whose first messages went out before the bridge connected starts with a gap that says so', async () => {
    suite.sims.nerox.jobDefaults = { events: 20, intervalMs: 10, headStart: 5 };
    const jobId = await submit(suite.bridge, 'nerox');
    const upstreamId = await upstreamIdOf(suite.bridge, jobId);
    const { job, events } = await finished(suite.bridge, jobId);

    assert.equal(job.status, 'completed');
    assert.deepEqual(events.map((e) => e.seq), range(1, events.length));
    const [first, ...rest] = events;
    assert.equal(first!.type, 'gap', 'the gap is the first event recorded');
    assert.match(first!.message!, START_GAP);
    assert.equal(ofType(rest, 'gap').length, 0, 'one gap: the stream never dropped');
    const history = suite.sims.nerox.job(upstreamId)!.history;
    const received = upstreamMessages('nerox', events);
    assertSentInOrder(received, history);
    assert.ok(received.length <= history.length - 5, 'the head start was never seen');
    assert.ok(Number(first!.message!.match(/iteration (\d+)/)![1]) >= 5 * 500, 'the gap names how far the vendor had got');
  });

  test('a Nerox job the bridge connected to before its first message has no gap', async () => {
    suite.sims.nerox.jobDefaults = { events: 12, intervalMs: 10, autoStart: false };
    const jobId = await submit(suite.bridge, 'nerox');
    const upstreamId = await upstreamIdOf(suite.bridge, jobId);
    await waitFor(() => suite.sims.nerox.connectionsFor(upstreamId) === 1);
    suite.sims.nerox.startJob(upstreamId);
    const { job, events } = await finished(suite.bridge, jobId);

    assert.equal(job.status, 'completed');
    assert.equal(ofType(events, 'gap').length, 0);
    assert.deepEqual(upstreamMessages('nerox', events), suite.sims.nerox.job(upstreamId)!.history);
  });

  test('a MatCraft campaign whose first message the bridge saw was not the first iteration_start starts with a gap', async () => {
    suite.sims.matcraft.jobDefaults = { events: 20, intervalMs: 10, headStart: 2 };
    const jobId = await submit(suite.bridge, 'matcraft');
    const upstreamId = await upstreamIdOf(suite.bridge, jobId);
    const { job, events } = await finished(suite.bridge, jobId);

    assert.equal(job.status, 'completed');
    assert.deepEqual(events.map((e) => e.seq), range(1, events.length));
    assert.equal(events[0]!.type, 'gap');
    assert.match(events[0]!.message!, MATCRAFT_START_GAP);
    assert.equal(ofType(events, 'gap').length, 1);
    assertSentInOrder(upstreamMessages('matcraft', events), suite.sims.matcraft.job(upstreamId)!.history);
  });

  test('a MatCraft campaign followed from its first message has no gap', async () => {
    suite.sims.matcraft.jobDefaults = { events: 12, intervalMs: 10, autoStart: false };
    const jobId = await submit(suite.bridge, 'matcraft');
    const upstreamId = await upstreamIdOf(suite.bridge, jobId);
    await waitFor(() => suite.sims.matcraft.connectionsFor(upstreamId) === 1);
    suite.sims.matcraft.startJob(upstreamId);
    const { events } = await finished(suite.bridge, jobId);

    assert.equal(ofType(events, 'gap').length, 0);
    assert.deepEqual(upstreamMessages('matcraft', events), suite.sims.matcraft.job(upstreamId)!.history);
  });
});
