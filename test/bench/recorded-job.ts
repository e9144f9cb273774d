/**
 * A long recorded Nerox job, as the ingest session would have stored it from the Nerox simulator: progress
 * events with their upstream message as `source.raw`, keys sorted, hash-chained (canonical bytes kept, as the
 * ingest hands them to the store), and a `completed` at the end.
 */
import { storable } from '../../src/core/canonical.js';
import type { JobEvent } from '../../src/core/event.js';
import { chainLink } from '../../src/store/event-chain.js';
import { EventStore, type StoredEvent } from '../../src/store/event-store.js';
import type { DatabaseHandle } from '../../src/store/database.js';

const BATCH = 5_000;
const SOLUTION_SIZE = 8;
const START_MS = Date.parse('2026-01-01T00:00:00.000Z');

export function neroxEvent(jobId: string, seq: number, total: number): JobEvent {
  const at = new Date(START_MS + seq).toISOString();
  if (seq === total) {
    const result = { objective: -150, solution: Array.from({ length: SOLUTION_SIZE }, (_, k) => k % 2), runtime_s: total / 1000, gpu_seconds: total / 1000 };
    return storable({
      jobId, seq, type: 'completed', at,
      result: { objective: result.objective, solution: result.solution, runtimeS: result.runtime_s, gpuSeconds: result.gpu_seconds },
      source: { provider: 'nerox', raw: { type: 'completed', result } },
    });
  }
  const energy = Number((-100 - 50 * (1 - Math.exp((-4 * seq) / total))).toFixed(3));
  const raw = {
    type: 'progress', iteration: seq * 500, energy, best_energy: energy,
    best_solution: Array.from({ length: SOLUTION_SIZE }, (_, k) => (seq >> k) & 1),
    temperature: Number((0.8 ** (seq % 50)).toFixed(4)), timestamp: at,
  };
  return storable({
    jobId, seq, type: 'progress', at, iteration: raw.iteration, objective: energy, bestObjective: energy,
    bestSolution: raw.best_solution, temperature: raw.temperature, source: { provider: 'nerox', raw },
  });
}

/** Stores `total` events for `jobId` (whose row exists) with COPY, a batch at a time so setup memory stays flat. */
export async function recordJob(handle: DatabaseHandle, jobId: string, total: number): Promise<void> {
  const store = new EventStore(handle.db, handle.copyPool);
  let hash = '';
  for (let from = 1; from <= total; from += BATCH) {
    const events: StoredEvent[] = [];
    for (let seq = from; seq < from + BATCH && seq <= total; seq++) {
      const stored = chainLink(hash, neroxEvent(jobId, seq, total));
      hash = stored.hash;
      events.push(stored);
    }
    const last = events[events.length - 1]!.event.seq;
    await store.append(
      { events, jobs: [{ id: jobId, status: last === total ? 'completed' : 'running', lastSeq: last, lastHash: hash }] },
      { retry: false },
    );
  }
}
