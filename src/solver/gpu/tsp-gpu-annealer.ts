import type { AnnealingEngine, EngineOptions } from '../annealing/engine.js';
import { Rng, seedWords } from '../annealing/random.js';
import { FAR_MOVE } from '../annealing/tsp-cpu-annealer.js';
import type { TspInstance } from '../annealing/tsp-instance.js';
import { type TspSchedule, tspSchedule } from '../annealing/tsp-schedule.js';
import { bindAll, compilePipelines, dispatchAndRead, storageBuffer, submitAndRead, uniformBuffer } from './gpu-buffers.js';
import type { GpuContext } from './gpu-context.js';
import { TSP_BYTES_PER_CITY, TSP_FIXED_BYTES, tspWgsl } from './tsp-kernels.js';

/** Move attempts per epoch: a software adapter is as slow as the CPU path; a real GPU wants big batches. */
const MOVES_PER_EPOCH = { software: 1 << 16, hardware: 1 << 24 };
const HEAD = 4;
const ENTRY_POINTS = ['init', 'sweep', 'reduce'] as const;

/**
 * The GPU side of TSP annealing with restarts (see tsp-kernels.ts and tsp-schedule.ts), symmetric
 * instances only: one command buffer and one readback per epoch.
 */
export class TspGpuAnnealer implements AnnealingEngine {
  readonly device: string;
  readonly exhausted = false;
  sweeps = 0;
  bestEnergy = Infinity;
  gpuSeconds = 0;

  readonly #ctx: GpuContext;
  readonly #inst: TspInstance;
  readonly #replicas: number;
  readonly #schedule: TspSchedule;
  readonly #buffers: GPUBuffer[];
  readonly #layout: GPUBindGroupLayout;
  readonly #bindGroup: GPUBindGroup;
  #pipelines!: Record<(typeof ENTRY_POINTS)[number], GPUComputePipeline>;
  #best: number[] = [];
  #reals = new Float32Array(0);

  /** Symmetric instances whose tour and inverse fit in one workgroup's memory, with the matrix in one binding. */
  static fits(ctx: GpuContext, inst: TspInstance): boolean {
    const { limits } = ctx.device;
    return (
      inst.symmetric &&
      inst.n >= 5 &&
      capacity(inst.n) * TSP_BYTES_PER_CITY + TSP_FIXED_BYTES <= limits.maxComputeWorkgroupStorageSize &&
      inst.n * inst.n * 4 <= limits.maxStorageBufferBindingSize
    );
  }

  static async create(ctx: GpuContext, inst: TspInstance, options: EngineOptions): Promise<TspGpuAnnealer> {
    const engine = new TspGpuAnnealer(ctx, inst, options);
    const code = tspWgsl(capacity(inst.n), FAR_MOVE);
    engine.#pipelines = await compilePipelines(ctx.device, 'tsp annealing', code, engine.#layout, ENTRY_POINTS);
    await engine.#run(false);
    return engine;
  }

  private constructor(ctx: GpuContext, inst: TspInstance, options: EngineOptions) {
    const { device } = ctx;
    const { n } = inst;
    const R = options.replicas;
    this.#ctx = ctx;
    this.device = ctx.description;
    this.#inst = inst;
    this.#replicas = R;
    this.#schedule = tspSchedule(inst, R, MOVES_PER_EPOCH[ctx.software ? 'software' : 'hardware']);
    const { startT, endT, reheatT, cycleSweeps, epochSweeps } = this.#schedule;

    const tours = new Uint32Array(2 * R * n + n);
    const control = new Uint32Array(HEAD + 2 * R);
    for (let r = 0; r < R; r++) {
      const rng = new Rng(options.seed, r);
      const tour = Uint32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = rng.below(i + 1);
        [tour[i], tour[j]] = [tour[j]!, tour[i]!];
      }
      tours.set(tour, r * n);
      control[HEAD + r] = seedWords(options.seed, r)[1]!;
    }
    const reals = new Float32Array(3 * R + 1);
    reals.fill(startT, R, 2 * R);
    reals.fill(Infinity, 2 * R);
    const params = new ArrayBuffer(48);
    new Uint32Array(params, 0, 5).set([n, R, inst.k, epochSweeps, cycleSweeps]);
    new Float32Array(params, 32, 2).set([reheatT, Math.pow(endT / startT, 1 / cycleSweeps)]);

    this.#buffers = [
      uniformBuffer(device, params, 'tsp params'),
      storageBuffer(device, Float32Array.from(inst.dist), 'tsp distances'),
      storageBuffer(device, Uint32Array.from(inst.neighbors), 'tsp neighbours'),
      storageBuffer(device, tours, 'tsp tours'),
      storageBuffer(device, reals, 'tsp reals'),
      storageBuffer(device, control, 'tsp control'),
    ];
    const { layout, group } = bindAll(device, this.#buffers, 2);
    this.#layout = layout;
    this.#bindGroup = group;
  }

  get attempts(): number {
    return this.sweeps * this.#inst.n * this.#replicas;
  }

  bestSolution(): number[] {
    return this.#best.slice();
  }

  current(): { energy: number; temperature: number } {
    const R = this.#replicas;
    let coldest = 0;
    for (let r = 1; r < R; r++) if (this.#reals[R + r]! < this.#reals[R + coldest]!) coldest = r;
    return { energy: this.#reals[coldest]!, temperature: this.#reals[R + coldest]! };
  }

  async epoch(): Promise<void> {
    await this.#run(true);
    this.sweeps += this.#schedule.epochSweeps;
  }

  /** Every replica's tour and length as the GPU holds them (tests compare them with the CPU's scoring). */
  async snapshot(): Promise<{ states: number[][]; energies: number[] }> {
    const { n } = this.#inst;
    const R = this.#replicas;
    const { data } = await submitAndRead(this.#ctx.device, () => {}, [
      { from: this.#buffers[3]!, offset: 0, bytes: R * n * 4 },
      { from: this.#buffers[4]!, offset: 0, bytes: R * 4 },
    ]);
    const tours = new Uint32Array(data[0]!);
    return {
      states: Array.from({ length: R }, (_, r) => Array.from(tours.subarray(r * n, (r + 1) * n))),
      energies: Array.from(new Float32Array(data[1]!)),
    };
  }

  async #run(anneal: boolean): Promise<void> {
    const { n } = this.#inst;
    const R = this.#replicas;
    const { init, sweep, reduce } = this.#pipelines;
    const { data, seconds } = await dispatchAndRead(
      this.#ctx.device,
      this.#bindGroup,
      anneal ? [[init, R], [sweep, R], [reduce, 1]] : [[init, R], [reduce, 1]],
      [
        { from: this.#buffers[4]!, offset: 0, bytes: (3 * R + 1) * 4 },
        { from: this.#buffers[3]!, offset: 2 * R * n * 4, bytes: n * 4 },
      ],
    );
    this.gpuSeconds += seconds;
    this.#reals = new Float32Array(data[0]!);
    const globalBest = this.#reals[3 * R]!;
    if (globalBest < this.bestEnergy) {
      this.bestEnergy = globalBest;
      this.#best = Array.from(new Uint32Array(data[1]!));
    }
  }

  dispose(): void {
    for (const buffer of this.#buffers) buffer.destroy();
  }
}

function capacity(n: number): number {
  return Math.max(32, Math.ceil(n / 32) * 32);
}
