import type { JobError, JobEvent, JobResult } from '../../src/core/event.js';
import { compact, leftovers, splitKnown } from '../../src/core/json.js';
import type { MatcraftMessage } from './messages.js';

type Key = keyof JobEvent;

const keys = (...names: Key[]): ReadonlySet<Key> => new Set(names);
const START_KEYS = keys('jobId', 'type', 'at', 'iteration', 'totalIterations', 'stage', 'metrics');
const EVALUATION_KEYS = keys('jobId', 'type', 'at', 'iteration', 'objective', 'metrics');
const ITERATION_KEYS = keys('jobId', 'type', 'at', 'iteration', 'bestObjective', 'metrics');
const COMPLETE_KEYS = keys('jobId', 'type', 'at', 'totalIterations', 'result');
/** A finished campaign's `total_iterations` is the iteration it ended at when no total was reported. */
const COMPLETE_KEYS_BY_ITERATION = keys('jobId', 'type', 'at', 'iteration', 'result');
const ERROR_KEYS = keys('jobId', 'type', 'at', 'iteration', 'error');

/**
 * Documented `data` fields with no canonical field of their own. Providers report them as `metrics`
 * (named numbers), and the final ones in the result's `data`; these names are lifted onto their fields.
 */
const NAMED = {
  iteration_start: ['batch_size'],
  evaluation_complete: ['evaluation_index', 'batch_size'],
  iteration_complete: ['evaluations_completed', 'hypervolume', 'hypervolume_improvement', 'pareto_size', 'surrogate_loss'],
  campaign_complete: ['total_evaluations', 'final_hypervolume', 'pareto_size'],
};

function message(type: string, event: JobEvent, data: Record<string, unknown>): string {
  const out: MatcraftMessage = { type, timestamp: event.at, data: compact(data) };
  return JSON.stringify(out);
}

/** The event's documented metrics, and what else it carries for `data.x_bridge`. */
function split(event: JobEvent, names: readonly string[], mapped: ReadonlySet<Key>): { known: Record<string, number>; extra: Record<string, unknown> } {
  const { known, rest } = splitKnown(event.metrics, names);
  const extra = leftovers(event, mapped);
  if (rest) extra.metrics = rest;
  return { known, extra };
}

/**
 * Also the nearest documented message for lifecycle events MatCraft has no type for (queued, started, paused,
 * resumed, a gap, a warning): `phase` says which, and `data.x_bridge.type` keeps the canonical type.
 */
function iterationStart(event: JobEvent): string {
  const { known, extra } = split(event, NAMED.iteration_start, START_KEYS);
  if (event.type !== 'iteration_started') extra.type = event.type;
  return message('iteration_start', event, {
    iteration: event.iteration,
    total_iterations: event.totalIterations,
    phase: event.type === 'iteration_started' ? event.stage : (event.stage ?? event.type),
    ...known,
    x_bridge: extra,
  });
}

/** A candidate's named objectives are its other metrics, as the MatCraft provider records them (PROVIDER.md). */
function evaluationComplete(event: JobEvent): string {
  const { known, rest } = splitKnown(event.metrics, NAMED.evaluation_complete);
  const objectives = { ...(event.objective !== undefined && { objective: event.objective }), ...rest };
  return message('evaluation_complete', event, {
    iteration: event.iteration,
    ...known,
    objectives: Object.keys(objectives).length > 0 ? objectives : undefined,
    x_bridge: leftovers(event, EVALUATION_KEYS),
  });
}

/** Named best objectives travel as `best_<name>` metrics (the MatCraft provider's convention, PROVIDER.md). */
const BEST_PREFIX = 'best_';

function bestObjectives(metrics: Record<string, number> | undefined): { named: Record<string, number>; rest: Record<string, number> | undefined } {
  const named: Record<string, number> = {};
  const rest: Record<string, number> = {};
  for (const [key, value] of Object.entries(metrics ?? {})) {
    if (key.startsWith(BEST_PREFIX)) named[key.slice(BEST_PREFIX.length)] = value;
    else rest[key] = value;
  }
  return { named, rest: Object.keys(rest).length > 0 ? rest : undefined };
}

function iterationComplete(event: JobEvent): string {
  const { named, rest } = bestObjectives(event.metrics);
  const { known, extra } = split({ ...event, metrics: rest }, NAMED.iteration_complete, ITERATION_KEYS);
  if (event.type !== 'iteration_completed') extra.type = event.type;
  const best = event.bestObjective;
  const hasNames = Object.keys(named).length > 0;
  // The best objective shows where it fits; with named objectives and another hypervolume it fits neither.
  if (best !== undefined && hasNames && known.hypervolume !== undefined && known.hypervolume !== best) extra.bestObjective = best;
  return message('iteration_complete', event, {
    iteration: event.iteration,
    ...known,
    // A single-objective front is one point; its objective stands in for the hypervolume the doc's clients print.
    hypervolume: known.hypervolume ?? best,
    best_objectives: hasNames ? named : best === undefined ? undefined : { objective: best },
    x_bridge: extra,
  });
}

/**
 * The doc has no cancel message: a cancel ends the campaign too, so its clients stop as they do at the end.
 * Every documented field is present. Another provider's job has iterations but no evaluation count
 * (`total_evaluations` null); a single objective is a front of one point (`pareto_size` 1), and its
 * objective stands in for the hypervolume; a job that ended with no objective has neither (null).
 */
function campaignComplete(event: JobEvent): string {
  const { status, objective, data, ...others }: JobResult = event.result ?? {};
  const { known, rest } = splitKnown(data, NAMED.campaign_complete);
  const extra = leftovers(event, event.totalIterations === undefined ? COMPLETE_KEYS_BY_ITERATION : COMPLETE_KEYS);
  const cancelled = event.type === 'cancelled';
  if (cancelled) extra.type = event.type;
  const stoodIn = known.final_hypervolume === undefined;
  const result = compact({
    ...others,
    status: cancelled && status !== 'cancelled' ? status : undefined,
    objective: stoodIn ? undefined : objective,
    data: rest,
  });
  if (Object.keys(result).length > 0) extra.result = result;
  const finalHypervolume = stoodIn ? objective : known.final_hypervolume;
  return message('campaign_complete', event, {
    status: cancelled ? 'cancelled' : (status ?? 'completed'),
    total_iterations: event.totalIterations ?? event.iteration ?? null,
    total_evaluations: known.total_evaluations ?? null,
    final_hypervolume: finalHypervolume ?? null,
    pareto_size: known.pareto_size ?? (stoodIn && objective !== undefined ? 1 : null),
    x_bridge: extra,
  });
}

function failed(event: JobEvent): string {
  const { code, message: text, ...rest }: Partial<JobError> = event.error ?? {};
  const extra = leftovers(event, ERROR_KEYS);
  if (Object.keys(rest).length > 0) extra.error = rest;
  return message('error', event, { code, message: text, iteration: event.iteration, x_bridge: extra });
}

/**
 * MatCraft documents iteration_start, evaluation_complete, iteration_complete, campaign_complete and error,
 * and its clients get only those. Progress of other providers becomes iteration_complete, lifecycle events
 * iteration_start. Everything unmapped travels under `data.x_bridge`.
 */
export function encodeMatcraft(event: JobEvent): string {
  switch (event.type) {
    case 'iteration_started':
      return iterationStart(event);
    case 'evaluation':
      return evaluationComplete(event);
    case 'progress':
    case 'iteration_completed':
      return iterationComplete(event);
    case 'completed':
    case 'cancelled':
      return campaignComplete(event);
    case 'failed':
      return failed(event);
    case 'status':
    case 'started':
    case 'paused':
    case 'resumed':
    case 'gap':
    case 'warning':
      return iterationStart(event);
  }
}
