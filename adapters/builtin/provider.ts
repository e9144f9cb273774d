import type { Problem } from '../../src/core/problem.js';
import type { Provider, ProviderRun, ProviderStart } from '../../src/core/provider.js';
import { CancelledBeforeStart, type QueueHooks } from '../../src/solver/index.js';
import { inSpan } from '../../src/telemetry/tracing.js';
import { runAnnealing } from './annealing-run.js';
import { runLinear, validateLinearModel } from './linear-run.js';

export interface BuiltinOptions {
  progressIntervalMs: number;
  defaultTimeLimitS: number;
  device: 'auto' | 'gpu' | 'cpu';
  /** What `auto` means on this machine: a hardware GPU, else the CPU path (src/solver/gpu/adapter-probe.ts). */
  autoDevice(): Promise<'gpu' | 'cpu'>;
}

const now = (): string => new Date().toISOString();

/** The bridge's own solvers as a provider: annealing (QUBO, Ising, Max-Cut, TSP) and LP/MIP, in worker threads. */
export function builtinProvider(options: BuiltinOptions): Provider {
  return {
    name: 'builtin',
    kinds: new Set(['tsp', 'qubo', 'ising', 'maxcut', 'lp']),
    async validate(problem: Problem) {
      if (problem.kind === 'lp') await validateLinearModel(problem.model);
    },
    start({ job, sink, lastSeq }: ProviderStart): ProviderRun {
      const controller = new AbortController();
      let stopped = false;
      const problem = job.problem;
      const timeLimitS = job.params.timeLimitS ?? options.defaultTimeLimitS;
      // `started` goes out when a solver thread takes the job, so a queued job reads as queued until then.
      const queue: QueueHooks = {
        owner: job.tenantId,
        onQueued: () => sink.emit({ type: 'status', at: now(), stage: 'queued', message: 'every solver thread is busy; the job starts when one is free' }),
        onStarted: () =>
          sink.emit({
            type: 'started',
            at: now(),
            stage: problem.kind === 'lp' ? 'solving' : 'annealing',
            message: lastSeq > 0 ? 'restarted after a bridge restart; the solver begins again' : 'solver started',
          }),
      };
      const run = { progressIntervalMs: options.progressIntervalMs, signal: controller.signal, sink, stopped: () => stopped, queue };
      const done = inSpan('solver run', { attributes: { 'optbridge.job_id': job.id, 'optbridge.kind': problem.kind } }, async (span) => {
        try {
          if (problem.kind === 'lp') {
            await runLinear(problem.model, { ...run, timeLimitS });
            span.setAttribute('optbridge.device', 'cpu:highs');
          } else if (problem.kind === 'tsp' || problem.kind === 'qubo' || problem.kind === 'ising' || problem.kind === 'maxcut') {
            const requested = job.params.device ?? options.device;
            const chosen = requested === 'auto' ? await options.autoDevice() : requested;
            const device = await runAnnealing(problem, { ...job.params, timeLimitS, device: chosen }, run);
            span.setAttribute('optbridge.device', device);
          } else {
            throw new Error(`the built-in provider cannot run ${problem.kind} problems`);
          }
        } catch (error) {
          if (stopped) return;
          if (error instanceof CancelledBeforeStart) sink.emit({ type: 'cancelled', at: now(), message: error.message });
          else sink.emit({ type: 'failed', at: now(), error: { code: 'solver_error', message: (error as Error).message } });
        }
      });
      return {
        cancel: () => controller.abort(),
        stop: () => {
          stopped = true;
          controller.abort();
        },
        done,
      };
    },
  };
}
