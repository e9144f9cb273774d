import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainStep, recomputeChain } from '../../src/client/chain.js';
import type { JobEvent } from '../../src/core/event.js';
import { chainHash } from '../../src/store/event-chain.js';

const EVENTS: JobEvent[] = [
  { jobId: 'job_a', seq: 1, type: 'started', at: '2026-01-01T00:00:00.000Z', source: { provider: 'nerox', raw: { ünïcödé: '→ 😀', n: 1e21 } } },
  { jobId: 'job_a', seq: 2, type: 'progress', at: '2026-01-01T00:00:01.000Z', objective: -0.1 + 0.3, bestSolution: { b: 1, a: 0 }, metrics: { z: 5e-324 } },
  { jobId: 'job_a', seq: 3, type: 'completed', at: '2026-01-01T00:00:02.000Z', result: { objective: 3, solution: [1, 0, 1] } },
];

async function* each(events: JobEvent[]): AsyncGenerator<JobEvent> {
  yield* events;
}

test("the SDK's WebCrypto chain step hashes exactly as the ingest's", async () => {
  let ingest = '';
  let sdk = '';
  for (const event of EVENTS) {
    ingest = chainHash(ingest, event);
    sdk = await chainStep(sdk, event);
    assert.equal(sdk, ingest, `seq ${event.seq}`);
  }
});

test('recomputeChain reports the head, finds a kept head on the chain, and stops at until', async () => {
  const heads: string[] = [];
  for (const event of EVENTS) heads.push(chainHash(heads.at(-1) ?? '', event));
  assert.deepEqual(await recomputeChain(each(EVENTS), { head: heads[1] }), {
    events: 3,
    head: { seq: 3, hash: heads[2] },
    expectedHead: { hash: heads[1], found: true, seq: 2 },
  });
  assert.deepEqual(await recomputeChain(each(EVENTS), { until: 2 }), { events: 2, head: { seq: 2, hash: heads[1] } });
  const changed = [EVENTS[0]!, { ...EVENTS[1]!, objective: 1 }, EVENTS[2]!];
  assert.equal((await recomputeChain(each(changed), { head: heads[2] })).expectedHead?.found, false);
});
