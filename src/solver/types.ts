import type { IsingProblem, MaxCutProblem, QuboProblem, TspProblem } from '../core/problem.js';
import type { SolveParams } from '../core/job.js';

/** What a job hears about its turn for a solver thread, and whose turn it is. */
export interface QueueHooks {
  /** Whose job it is (the tenant): threads are shared fairly between owners, not first come first served. */
  owner?: string;
  /** Every thread is busy: the job waits. */
  onQueued?(): void;
  /** The job has a thread and starts now, its time limit with it. */
  onStarted?(): void;
}

/** What the annealing engines run; an Ising problem reaches them as its QUBO (ising.ts). */
export type AnnealingProblem = TspProblem | QuboProblem | MaxCutProblem;
export type SolverProblem = AnnealingProblem | IsingProblem;

export interface SolveProgress {
  /** Sweeps (or move batches) done so far, summed over the run, per replica. */
  iteration: number;
  /** Energy of the replica reported as current (the coldest one). */
  energy: number;
  bestEnergy: number;
  bestSolution: number[];
  temperature: number;
}

export type StopReason = 'time_limit' | 'target_reached' | 'cancelled' | 'converged';

export interface SolveOutcome {
  /** Re-scored on the CPU from `solution`. TSP: tour length; QUBO: xᵀQx; Ising: Σhᵢsᵢ + ΣJᵢⱼsᵢsⱼ; Max-Cut: minus the cut weight. */
  objective: number;
  /** TSP: a permutation of 0..n-1; QUBO/Max-Cut: 0/1 per variable / side per vertex; Ising: ±1 per spin. */
  solution: number[];
  runtimeS: number;
  /** Seconds the GPU was busy; 0 on the CPU path. */
  gpuSeconds: number;
  /** Adapter description on the GPU path, "cpu" otherwise. */
  device: string;
  iterations: number;
  /** Move (TSP) or flip (QUBO, Max-Cut) attempts over all replicas: the throughput benchmarks compare. */
  moveAttempts?: number;
  /** Steps of the local search that polishes the annealer's best: kicks of the TSP local search; 0 where none runs. */
  localSearchSteps?: number;
  stopReason: StopReason;
}

export interface SolveRequest {
  problem: SolverProblem;
  params: SolveParams;
  progressIntervalMs: number;
  signal: AbortSignal;
  onProgress(progress: SolveProgress): void;
  /** Told when the job waits for a solver thread and when it starts; the time limit counts from the start. */
  queue?: QueueHooks;
  /**
   * Stop after this many sweeps per replica (rounded up to a whole epoch) instead of at the clock:
   * with a seed, such a run is reproducible on the same device. The time limit still applies.
   */
  sweepLimit?: number;
}
