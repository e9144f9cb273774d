/**
 * Nerox as an upstream: the creation request the bridge sends, and Nerox messages decoded into canonical drafts.
 * The table is PROVIDER.md; `test/unit/upstream-decode.test.ts` checks each of its rows against `decodeNerox`.
 */
import type { EventDraft } from '../../src/core/event.js';
import type { SolveParams } from '../../src/core/job.js';
import { tspMatrix, type MaxCutProblem, type QuboProblem, type TspProblem } from '../../src/core/problem.js';
import { compact } from '../../src/core/json.js';
import { contentKey, num, record, solution, str, timeOf, unknownType } from '../../src/ingest/upstream/drafts.js';

const PROVIDER = 'nerox';

/**
 * The doc shows only the SDK call (`optimize.tsp(distance_matrix=…, solver="gpu")`); the body uses those names,
 * the bridge's Nerox dialect reads the same ones, and QUBO / Max-Cut keep the canonical `n` with `terms` / `edges`.
 */
export function neroxRequest(problem: TspProblem | QuboProblem | MaxCutProblem, params: SolveParams): Record<string, unknown> {
  const options = compact({
    solver: params.device,
    time_limit_s: params.timeLimitS,
    target_energy: params.targetEnergy,
    seed: params.seed,
    replicas: params.replicas,
  });
  switch (problem.kind) {
    case 'tsp':
      return compact({ distance_matrix: tspMatrix(problem), coordinates: problem.coordinates, ...options });
    case 'qubo':
      return { n: problem.n, terms: problem.terms, ...options };
    case 'maxcut':
      return { n: problem.n, edges: problem.edges, ...options };
  }
}

function completed(result: Record<string, unknown>, raw: unknown, at: string): EventDraft {
  return {
    type: 'completed',
    at,
    result: compact({
      objective: num(result.objective),
      solution: solution(result.solution),
      runtimeS: num(result.runtime_s),
      gpuSeconds: num(result.gpu_seconds),
    }),
    source: { provider: PROVIDER, raw },
  };
}

/** Nerox resends nothing after a reconnect, so a message's own bytes are its identity. */
export function decodeNerox(message: Record<string, unknown>): EventDraft[] {
  switch (message.type) {
    case 'progress':
      return [
        compact({
          type: 'progress' as const,
          at: timeOf(message.timestamp),
          iteration: num(message.iteration),
          objective: num(message.energy),
          bestObjective: num(message.best_energy),
          bestSolution: solution(message.best_solution),
          temperature: num(message.temperature),
          source: { provider: PROVIDER, raw: message },
          dedupKey: contentKey(message),
        }),
      ];
    case 'completed':
      return [{ ...completed(record(message.result), message, timeOf(message.timestamp)), dedupKey: 'completed' }];
    default:
      return [unknownType(PROVIDER, message)];
  }
}

/**
 * The doc sends no message for a failed or cancelled job: the socket just closes. `GET /v1/jobs/{id}` says how
 * it ended; undefined while it still runs.
 */
export function neroxOutcome(view: unknown): EventDraft | undefined {
  const job = record(view);
  const at = new Date().toISOString();
  const source = { provider: PROVIDER, raw: view };
  switch (job.status) {
    case 'completed':
      return completed(record(job.result), view, at);
    case 'failed':
      return { type: 'failed', at, error: { code: 'upstream_failed', message: str(job.error) ?? 'Nerox reports the job failed' }, source };
    case 'cancelled':
      return { type: 'cancelled', at, source };
    default:
      return undefined;
  }
}

/**
 * The status a new run reads just before its first connection. Nerox streams only from the live point, so
 * any iteration it reports already was streamed to nobody: the progress messages up to it are lost.
 */
export function neroxSentBeforeConnect(view: unknown): string | undefined {
  const iteration = num(record(view).iteration);
  if (iteration === undefined || iteration <= 0) return undefined;
  return `nerox had reached iteration ${iteration} before the bridge's stream connected; nerox does not resend what it sent before`;
}
