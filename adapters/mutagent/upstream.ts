/**
 * Mutagent as an upstream: job events (from `event` messages and `replay` batches) decoded into canonical drafts
 * (the table is PROVIDER.md). Every event has an id, which is both its dedup key and the resume point.
 */
import type { EventDraft } from '../../src/core/event.js';
import { compact, isRecord } from '../../src/core/json.js';
import { num, numbers, record, str, timeOf, unknownType } from '../../src/ingest/upstream/drafts.js';

const PROVIDER = 'mutagent';

/** The id of the (one) event a recorded raw message holds: a live `event`, or a one-event slice of a `replay`. */
export function eventIdOf(raw: unknown): number | undefined {
  const message = record(raw);
  if (isRecord(message.event)) return num(message.event.id);
  return Array.isArray(message.data) ? num(record(message.data[0]).id) : undefined;
}

/**
 * One event. `raw` is what is kept of the message that carried it; `best` is the best score so far, this
 * event's included (Mutagent scores are higher-is-better and carry no running best of their own).
 */
export function mutagentEvent(event: Record<string, unknown>, raw: unknown, best: number | undefined): EventDraft {
  const data = record(event.data);
  const id = num(event.id);
  const base = {
    at: timeOf(event.timestamp),
    iteration: num(event.iteration),
    stage: str(event.stage),
    source: { provider: PROVIDER, raw },
    dedupKey: id === undefined ? undefined : `event:${id}`,
  };
  switch (event.eventType) {
    case 'job_started':
      return compact({ ...base, type: 'started' as const });
    case 'iteration_completed':
      return compact({ ...base, type: 'iteration_completed' as const, objective: num(data.score), bestObjective: best });
    case 'job_paused':
      return compact({ ...base, type: 'paused' as const });
    case 'job_resumed':
      return compact({ ...base, type: 'resumed' as const });
    case 'job_completed':
      return compact({ ...base, type: 'completed' as const, metrics: numbers(data), result: compact({ objective: num(data.finalScore), data }) });
    case 'job_cancelled':
      return compact({ ...base, type: 'cancelled' as const, result: { data } });
    case 'job_failed': {
      const message = str(data.error) ?? 'Mutagent reports the job failed';
      // A failure Mutagent will retry is news, not the end of the job.
      if (data.willRetry === true) return compact({ ...base, type: 'status' as const, message: `${message} (Mutagent will retry)` });
      const details = compact({ errorStack: data.errorStack, willRetry: data.willRetry });
      return compact({ ...base, type: 'failed' as const, error: { code: 'upstream_failed', message, data: details } });
    }
    default:
      return { ...unknownType(PROVIDER, record(raw), event.eventType), ...(base.dedupKey && { dedupKey: base.dedupKey }) };
  }
}
