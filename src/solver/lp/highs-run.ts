import type { Highs, HighsCallbackMap, Model } from 'highs';
import type { CancelFlag, LinearProgress, LinearStatus } from '../workers/worker-protocol.js';

export interface HighsJob {
  /** CPLEX LP text whose columns are named x0, x1, …, one per model variable. */
  lp: string;
  columns: number;
  /** Whether any column is integer: then HiGHS runs branch and bound and reports a MIP gap. */
  integer: boolean;
  timeLimitS: number;
  progressIntervalMs: number;
  cancel: CancelFlag;
}

/** What HiGHS reports, before names and the objective's constant are put back. */
export interface HighsResult {
  status: LinearStatus;
  objective: number | null;
  /** Column values in declaration order, when HiGHS has a primal solution. */
  values: number[] | null;
  gap: number | null;
  runtimeS: number;
}

let loading: Promise<Highs> | null = null;

/**
 * The HiGHS WebAssembly runtime, loaded once per worker. The package's types describe a CommonJS
 * module, but Node loads its ESM build, whose default export is the loader itself.
 */
function highs(): Promise<Highs> {
  loading ??= import('highs').then((module) => (module.default as unknown as () => Promise<Highs>)());
  return loading;
}

/**
 * Solves one LP/MIP with HiGHS. `run()` blocks this thread, so progress leaves through HiGHS
 * callbacks, and the interrupt callbacks poll the cancel flag.
 */
export async function runHighs(job: HighsJob, report: (progress: LinearProgress) => void): Promise<HighsResult> {
  const runtime = await highs();
  const { callbackType, modelStatus } = runtime.constants;
  const started = performance.now();
  let nextReport = started + job.progressIntervalMs;
  const cancelled = (): boolean => Atomics.load(job.cancel, 0) !== 0;
  const interrupt = (event: { interrupt(): void }): undefined => {
    if (cancelled()) event.interrupt();
    return undefined;
  };
  // The MIP checkpoint fires often whatever the log settings, so it both honours cancel and reports.
  const callbacks: HighsCallbackMap = {
    [callbackType.simplexInterrupt]: interrupt,
    [callbackType.ipmInterrupt]: interrupt,
    [callbackType.mipInterrupt]: (event) => {
      interrupt(event);
      const now = performance.now();
      if (now < nextReport) return undefined;
      nextReport = now + job.progressIntervalMs;
      const { mip_primal_bound: primal, mip_dual_bound: dual, mip_gap: gap, mip_node_count: nodes } = event.data;
      report({
        objective: finite(primal),
        bestBound: finite(dual),
        gap: finite(gap),
        nodes: Number(nodes ?? 0n),
        runtimeS: (now - started) / 1000,
      });
      return undefined;
    },
  };

  const solve = (presolve: 'choose' | 'off'): { status: number; model: Model } => {
    const model = runtime.createModel({ format: 'lp', data: job.lp });
    model.options.set({ output_flag: false, time_limit: job.timeLimitS, presolve });
    model.run(callbacks);
    return { status: model.getModelStatus(), model };
  };

  let { status, model } = solve('choose');
  try {
    // Presolve may only learn "infeasible or unbounded"; the simplex without it tells which.
    if (status === modelStatus.unboundedOrInfeasible) {
      model.dispose();
      ({ status, model } = solve('off'));
    }
    const verdict = verdictOf(status, modelStatus, cancelled());
    const hasPrimal = Number(model.info.get('primal_solution_status')) === 2;
    let values: number[] | null = null;
    if (hasPrimal && (verdict === 'optimal' || verdict === 'time_limit' || verdict === 'cancelled')) {
      const colValue = model.getSolution().colValue;
      values = new Array<number>(job.columns).fill(0);
      for (let j = 0; j < colValue.length; j++) values[Number(model.getColName(j).slice(1))] = colValue[j]!;
    }
    const gap = !job.integer ? (verdict === 'optimal' ? 0 : null) : values === null ? null : finite(Number(model.info.get('mip_gap')));
    return {
      status: verdict,
      objective: values === null ? null : model.getObjectiveValue(),
      values,
      gap,
      runtimeS: (performance.now() - started) / 1000,
    };
  } finally {
    model.dispose();
  }
}

function verdictOf(status: number, codes: Highs['constants']['modelStatus'], cancelled: boolean): LinearStatus {
  switch (status) {
    case codes.optimal:
    case codes.empty:
      return 'optimal';
    case codes.infeasible:
    case codes.unboundedOrInfeasible:
      return 'infeasible';
    case codes.unbounded:
      return 'unbounded';
    case codes.interrupted:
      return cancelled ? 'cancelled' : 'time_limit';
    case codes.timeLimit:
    case codes.iterationLimit:
    case codes.solutionLimit:
      return 'time_limit';
    default:
      throw new Error(`HiGHS ended with model status ${status}`);
  }
}

function finite(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) && Math.abs(value) < 1e300 ? value : null;
}
