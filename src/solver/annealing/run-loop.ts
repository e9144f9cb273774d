import type { AnnealingEngine, EngineResult } from './engine.js';
import type { SolveProgress, StopReason } from '../types.js';

export interface RunLimits {
  timeLimitS: number;
  targetEnergy: number | undefined;
  /** Stop after this many sweeps per replica (checked at epoch boundaries); makes timed runs reproducible. */
  sweepLimit: number | undefined;
  progressIntervalMs: number;
}

/**
 * Drives an engine epoch by epoch until a stop condition holds. `cancelled` is polled between epochs,
 * which are kept far shorter than a progress interval, so a cancel lands within one interval.
 */
export async function runEngine(
  engine: AnnealingEngine,
  limits: RunLimits,
  cancelled: () => boolean,
  report: (progress: SolveProgress) => void,
): Promise<EngineResult> {
  const started = performance.now();
  const deadline = started + limits.timeLimitS * 1000;
  let nextReport = started + limits.progressIntervalMs;
  let stopReason: StopReason;
  for (;;) {
    if (limits.targetEnergy !== undefined && engine.bestEnergy <= limits.targetEnergy) {
      stopReason = 'target_reached';
      break;
    }
    if (engine.exhausted || (limits.sweepLimit !== undefined && engine.sweeps >= limits.sweepLimit)) {
      stopReason = 'converged';
      break;
    }
    if (cancelled()) {
      stopReason = 'cancelled';
      break;
    }
    const now = performance.now();
    if (now >= deadline) {
      stopReason = 'time_limit';
      break;
    }
    if (now >= nextReport) {
      const { energy, temperature } = engine.current();
      report({
        iteration: engine.sweeps,
        energy,
        bestEnergy: engine.bestEnergy,
        bestSolution: engine.bestSolution(),
        temperature,
      });
      nextReport = Math.max(nextReport + limits.progressIntervalMs, now + limits.progressIntervalMs / 2);
    }
    await engine.epoch();
  }
  return {
    solution: engine.bestSolution(),
    energy: engine.bestEnergy,
    iterations: engine.sweeps,
    attempts: engine.attempts,
    localSearchSteps: engine.localSearchSteps ?? 0,
    stopReason,
    gpuSeconds: engine.gpuSeconds,
    device: engine.device,
  };
}
