/**
 * A finished Nerox job written straight into the store, as the ingest would have recorded it: progress
 * events with their upstream messages (test/bench/recorded-job.ts), hash-chained, with an upstream `gap`
 * marker in the middle, which the built-in solver never produces.
 */
import { storable } from '../../src/core/canonical.js';
import type { JobEvent } from '../../src/core/event.js';
import { chainHash } from '../../src/store/event-chain.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { EventStore, type StoredEvent } from '../../src/store/event-store.js';
import { JobRepository } from '../../src/store/job-repository.js';
import { neroxEvent } from '../bench/recorded-job.js';

export const GAP_MESSAGE = 'upstream stream reconnected; messages in between were lost';

export async function recordJobWithGap(handle: DatabaseHandle, options: { id: string; tenantId: string; events: number; gapAt: number }): Promise<JobEvent[]> {
  const { id, tenantId, events: total, gapAt } = options;
  const createdAt = new Date(Date.parse('2026-01-01T00:00:00.000Z') - 1000).toISOString();
  await new JobRepository(handle.db).create({
    id, tenantId, provider: 'nerox', kind: 'qubo', status: 'queued', problem: { kind: 'qubo', n: 8, terms: [] },
    params: {}, upstreamId: `nx-${id}`, lastSeq: 0, result: null, error: null, device: null, gpuSeconds: null,
    createdAt, updatedAt: createdAt, finishedAt: null,
  });
  const events = Array.from({ length: total }, (_, i) => {
    const seq = i + 1;
    if (seq !== gapAt) return neroxEvent(id, seq, total);
    const at = neroxEvent(id, seq, total).at;
    return storable<JobEvent>({ jobId: id, seq, type: 'gap', at, message: GAP_MESSAGE, source: { provider: 'nerox' } });
  });
  let hash = '';
  const stored: StoredEvent[] = events.map((event) => ({ event, hash: (hash = chainHash(hash, event)) }));
  const last = events.at(-1)!;
  await new EventStore(handle.db, handle.copyPool).append(
    { events: stored, jobs: [{ id, status: 'completed', lastSeq: last.seq, lastHash: hash, result: last.result, finishedAt: last.at }] },
    { retry: false },
  );
  return events;
}
