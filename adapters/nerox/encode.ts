import type { JobEvent } from '../../src/core/event.js';
import { compact, leftovers } from '../../src/core/json.js';
import type { NeroxCompleted, NeroxProgress } from './messages.js';

type Key = keyof JobEvent;

const PROGRESS_KEYS: ReadonlySet<Key> = new Set<Key>([
  'jobId', 'type', 'at', 'iteration', 'objective', 'bestObjective', 'bestSolution', 'temperature',
]);
const COMPLETED_KEYS: ReadonlySet<Key> = new Set<Key>(['jobId', 'type', 'result']);
const OTHER_KEYS: ReadonlySet<Key> = new Set<Key>(['jobId', 'type', 'at']);
const PROGRESS_TYPES: ReadonlySet<string> = new Set(['progress', 'iteration_completed', 'evaluation']);

/**
 * Nerox documents `progress` and `completed`. Events of other providers that report progress become
 * `progress`; every other event keeps its canonical type (clients that switch on `type` skip it), so
 * failures, cancels and gaps still reach Nerox clients. Unmapped fields go under `x_bridge`.
 */
export function encodeNerox(event: JobEvent): string {
  if (PROGRESS_TYPES.has(event.type)) {
    const extra = leftovers(event, PROGRESS_KEYS);
    if (event.type !== 'progress') extra.type = event.type;
    // Members the event lacks stay undefined, which JSON.stringify leaves out: deleting them (`compact`) would
    // turn every replayed message into a slow dictionary-mode object.
    const progress: NeroxProgress = {
      type: 'progress' as const,
      iteration: event.iteration,
      energy: event.objective,
      best_energy: event.bestObjective,
      best_solution: event.bestSolution,
      temperature: event.temperature,
      timestamp: event.at,
      x_bridge: extra,
    };
    return JSON.stringify(progress);
  }
  if (event.type === 'completed') {
    const { objective, solution, runtimeS, gpuSeconds, ...resultRest } = event.result ?? {};
    const extra = leftovers(event, COMPLETED_KEYS);
    if (Object.keys(resultRest).length > 0) extra.result = resultRest;
    const completed: NeroxCompleted = {
      type: 'completed',
      result: compact({ objective, solution, runtime_s: runtimeS, gpu_seconds: gpuSeconds }),
      x_bridge: extra,
    };
    return JSON.stringify(completed);
  }
  return JSON.stringify({ type: event.type, timestamp: event.at, x_bridge: leftovers(event, OTHER_KEYS) });
}
