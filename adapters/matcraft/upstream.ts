/**
 * MatCraft as an upstream: campaign messages decoded into canonical drafts (the table is PROVIDER.md).
 * MatCraft is multi-objective: the scalar `objective` is the Pareto front's hypervolume, the quality measure its
 * doc's own clients print, and each named objective travels in `metrics`.
 */
import type { EventDraft } from '../../src/core/event.js';
import { compact } from '../../src/core/json.js';
import { contentKey, num, numbers, record, str, timeOf, unknownType } from '../../src/ingest/upstream/drafts.js';

const PROVIDER = 'matcraft';

const fraction = (done: number | undefined, total: number | undefined): number | undefined =>
  done !== undefined && total !== undefined && total > 0 ? Math.min(1, Math.max(0, done / total)) : undefined;

function merged(...maps: (Record<string, number> | undefined)[]): Record<string, number> | undefined {
  const out = Object.assign({}, ...maps) as Record<string, number>;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * `totalIterations` comes only with `iteration_start`; the caller passes the last one seen so that
 * `iteration_complete` can report progress. MatCraft resends nothing, so a message's bytes are its identity.
 */
export function decodeMatcraft(message: Record<string, unknown>, totalIterations: number | undefined): EventDraft[] {
  const data = record(message.data);
  const iteration = num(data.iteration);
  const base = { at: timeOf(message.timestamp), iteration, source: { provider: PROVIDER, raw: message }, dedupKey: contentKey(message) };
  switch (message.type) {
    case 'iteration_start': {
      const total = num(data.total_iterations) ?? totalIterations;
      const done = iteration === undefined ? undefined : iteration - 1;
      const metrics = numbers({ batch_size: data.batch_size });
      return [compact({ ...base, type: 'iteration_started' as const, totalIterations: total, progress: fraction(done, total), stage: str(data.phase), metrics })];
    }
    case 'evaluation_complete': {
      const metrics = merged(numbers(data.objectives), numbers({ evaluation_index: data.evaluation_index, batch_size: data.batch_size }));
      return [compact({ ...base, type: 'evaluation' as const, metrics })];
    }
    case 'iteration_complete': {
      const hypervolume = num(data.hypervolume);
      const { iteration: _i, best_objectives: best, ...scalars } = data;
      return [
        compact({
          ...base,
          type: 'iteration_completed' as const,
          totalIterations,
          progress: fraction(iteration, totalIterations),
          objective: hypervolume,
          bestObjective: hypervolume,
          metrics: merged(numbers(scalars), numbers(best, 'best_')),
        }),
      ];
    }
    case 'campaign_complete': {
      const { status, final_hypervolume, ...totals } = data;
      const type = status === 'cancelled' ? ('cancelled' as const) : ('completed' as const);
      const result = compact({ status: str(status), objective: num(final_hypervolume), data: Object.keys(totals).length > 0 ? totals : undefined });
      return [compact({ ...base, type, totalIterations: num(data.total_iterations), result })];
    }
    case 'error': {
      const error = { code: str(data.code) ?? 'upstream_failed', message: str(data.message) ?? 'MatCraft reports an error', ...(iteration !== undefined && { data: { iteration } }) };
      return [compact({ ...base, type: 'failed' as const, error })];
    }
    default:
      return [unknownType(PROVIDER, message)];
  }
}

/**
 * A campaign's first message is `iteration_start` of iteration 1. A new run whose first message is anything
 * else connected after the campaign had begun: MatCraft streams only from the live point, so those are lost.
 */
export function matcraftMissedBeforeFirst(message: Record<string, unknown>): string | undefined {
  const iteration = num(record(message.data).iteration);
  if (message.type === 'iteration_start' && iteration !== undefined && iteration <= 1) return undefined;
  const where = iteration === undefined ? '' : ` of iteration ${iteration}`;
  return `the first matcraft message was ${String(message.type)}${where}: the campaign had begun before the bridge's stream connected; matcraft does not resend what it sent before`;
}
