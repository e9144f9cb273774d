/**
 * JAOT as an upstream: its WebSocket and polling messages decoded into canonical drafts (the table is PROVIDER.md).
 * Pure functions; the per-job state (which progress was seen last) lives in provider.ts.
 */
import type { EventDraft, JobResult } from '../../src/core/event.js';
import { compact, isRecord } from '../../src/core/json.js';
import { contentKey, num, record, solution, str, timeOf } from '../../src/ingest/upstream/drafts.js';

const PROVIDER = 'jaot';

/**
 * A progress update's identity: the same update reaches the bridge in a `progress` message and again in the
 * `status` greeting of a reconnect, with the same iteration and timestamp.
 */
export function progressKey(progress: Record<string, unknown>): string {
  if (progress.iteration === undefined && progress.timestamp === undefined) return `progress:${contentKey(progress)}`;
  return `progress:${String(progress.iteration)}:${String(progress.timestamp)}`;
}

/** A `progress` message, or the `progress_data` of a greeting (then `raw` is the greeting). */
export function jaotProgress(progress: Record<string, unknown>, raw: unknown): EventDraft {
  const objective = num(progress.objective_value);
  return compact({
    type: 'progress' as const,
    at: timeOf(progress.timestamp),
    progress: num(progress.progress),
    message: str(progress.message),
    iteration: num(progress.iteration),
    // The doc: "Best objective value found so far" — current and best are the same number.
    objective,
    bestObjective: objective,
    gap: num(progress.gap),
    source: { provider: PROVIDER, raw },
    dedupKey: progressKey(progress),
  });
}

/** The greeting's own state; a repeat of the same state on a reconnect is a duplicate. */
export function jaotStatus(message: Record<string, unknown>): EventDraft {
  const status = str(message.status);
  return compact({
    type: 'status' as const,
    at: new Date().toISOString(),
    stage: status,
    source: { provider: PROVIDER, raw: message },
    dedupKey: `status:${status}`,
  });
}

function jaotResult(value: unknown): JobResult | undefined {
  if (!isRecord(value)) return undefined;
  const { status, objective_value, solution: values, solve_time_seconds, ...rest } = value;
  return compact({
    status: str(status),
    objective: num(objective_value),
    solution: solution(values),
    runtimeS: num(solve_time_seconds),
    data: Object.keys(rest).length > 0 ? rest : undefined,
  });
}

/** `completed`, `failed`, `cancelled` and the connection-level `error` (unknown execution, refused key). */
export function jaotTerminal(message: Record<string, unknown>): EventDraft {
  const base = { at: new Date().toISOString(), source: { provider: PROVIDER, raw: message }, dedupKey: 'terminal' };
  switch (message.type) {
    case 'completed':
      return compact({ ...base, type: 'completed' as const, result: jaotResult(message.result) });
    case 'cancelled':
      return compact({ ...base, type: 'cancelled' as const, result: jaotResult(message.result) });
    case 'failed':
      return { ...base, type: 'failed', error: { code: 'upstream_failed', message: str(message.error) ?? 'JAOT reports the solve failed' } };
    default:
      return { ...base, type: 'failed', error: { code: 'upstream_error', message: str(message.message) ?? 'JAOT closed the execution stream with an error' } };
  }
}

/** `GET /api/v2/solve/async/{id}` while the stream is unavailable: terminal states in full, progress as a fraction only. */
export function jaotPolled(body: unknown): EventDraft[] {
  const view = record(body);
  switch (view.status) {
    case 'completed':
    case 'cancelled':
    case 'failed':
      return [{ ...jaotTerminal({ ...view, type: view.status }), source: { provider: PROVIDER, raw: body } }];
    case 'running': {
      const progress = num(view.progress);
      return [compact({ type: 'progress' as const, at: new Date().toISOString(), progress, stage: 'polling', source: { provider: PROVIDER, raw: body }, dedupKey: `poll:${progress}` })];
    }
    default:
      return [jaotStatus(view)];
  }
}
