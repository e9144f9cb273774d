import { invalid } from '../../src/core/errors.js';
import type { Solution } from '../../src/core/event.js';
import type { LinearProblem } from '../../src/core/problem.js';
import { isRecord, takeProvider } from '../../src/core/json.js';

/** Messages on `/api/v2/ws/executions/{id}`, as jaot.txt documents them. */
export type JaotProgress = {
  type: 'progress';
  execution_id: string;
  status: 'running';
  progress?: number;
  message?: string;
  iteration?: number;
  objective_value?: number;
  gap?: number;
  timestamp: string;
  x_bridge: Record<string, unknown>;
};

export type JaotStatus = {
  type: 'status';
  execution_id: string;
  status: string;
  progress_data: JaotProgress | null;
  x_bridge?: Record<string, unknown>;
};

/** The doc's Python reads every key with `[]`, so each is present, null when unknown. */
export type JaotResult = {
  status: string | null;
  objective_value: number | null;
  solution: Solution | null;
  solve_time_seconds: number | null;
  credits_used: unknown;
  credits_remaining: unknown;
};

/** A terminal message: its `status` repeats its `type`, and the rest of it depends on how the run ended. */
type JaotTerminal<End extends string, Outcome> = {
  type: End;
  execution_id: string;
  status: End;
  x_bridge: Record<string, unknown>;
} & Outcome;

export type JaotCompleted = JaotTerminal<'completed', { result: JaotResult }>;
export type JaotFailed = JaotTerminal<'failed', { error: string }>;
export type JaotCancelled = JaotTerminal<'cancelled', { result: null }>;

export type JaotError = {
  type: 'error';
  message: string;
  x_bridge: { code: string };
};

/** `GET /api/v2/solve/async/{task_id}`: what the doc's `poll_for_result` reads. */
export type JaotTask = {
  task_id: string;
  status: string;
  progress: number;
  result: JaotResult | null;
  error: string | null;
  x_bridge: Record<string, unknown>;
};

export interface JaotSolveRequest {
  problem: LinearProblem;
  provider: string | undefined;
}

/**
 * The doc's problem format (`production_planning`), passed on exactly as submitted: the provider that runs it
 * checks the model (the built-in LP/MIP solver before a job exists, so a bad expression is a 400 naming it;
 * an upstream JAOT checks its own).
 */
export function parseSolveRequest(body: unknown, header: string): JaotSolveRequest {
  if (!isRecord(body)) throw invalid('request body must be a JSON object');
  const { provider, rest: model } = takeProvider(body, header);
  return { problem: { kind: 'lp', model }, provider };
}
