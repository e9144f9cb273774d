import type { BinaryModel } from '../annealing/binary-model.js';
import type { AnnealingEngine, EngineOptions } from '../annealing/engine.js';
import { PtRestarts, type PtSchedule, ptSchedule, ptStart, ptStates } from '../annealing/pt-schedule.js';
import { type Copy, type Dispatch, bindAll, compilePipelines, dispatchAndRead, storageBuffer, submitAndRead, uniformBuffer } from './gpu-buffers.js';
import type { GpuContext } from './gpu-context.js';
import { PT_BYTES_PER_VARIABLE, PT_WORKGROUP, ptFixedBytes, ptWgsl } from './pt-kernels.js';

/** Spin tests per epoch: a software adapter is as slow as the CPU path; a real GPU wants big batches. */
const TRIES_PER_EPOCH = { software: 1 << 17, hardware: 1 << 24 };
const HEAD = 4;
const ENTRY_POINTS = ['init', 'sweep', 'exchange', 'reduce'] as const;

/**
 * The GPU side of parallel tempering (see pt-kernels.ts): one command buffer and one readback per
 * epoch; the host learns only the per-replica energies, the ladder and the best state so far.
 */
export class PtGpuAnnealer implements AnnealingEngine {
  readonly device: string;
  readonly exhausted = false;
  sweeps = 0;
  bestEnergy = Infinity;

  readonly #ctx: GpuContext;
  readonly #model: BinaryModel;
  readonly #schedule: PtSchedule;
  readonly #buffers: { spins: GPUBuffer; reals: GPUBuffer; control: GPUBuffer; all: GPUBuffer[] };
  readonly #bindGroup: GPUBindGroup;
  readonly #layout: GPUBindGroupLayout;
  #pipelines!: Record<(typeof ENTRY_POINTS)[number], GPUComputePipeline>;
  #best: number[] = [];
  readonly #seed: number;
  /** Restarts of all replicas at once, when the lowest energy of all ladders stalls. */
  readonly #restarts = new PtRestarts();
  #energies = new Float32Array(0);
  #control = new Uint32Array(0);

  gpuSeconds = 0;

  private constructor(ctx: GpuContext, model: BinaryModel, options: EngineOptions) {
    const { device } = ctx;
    const { n } = model;
    this.#ctx = ctx;
    this.device = ctx.description;
    this.#model = model;
    this.#seed = options.seed;
    this.#schedule = ptSchedule(model, options.replicas, TRIES_PER_EPOCH[ctx.software ? 'software' : 'hardware']);
    const { replicas: R, rungs: L, temperatures } = this.#schedule;
    const m = model.cols.length;
    const start = ptStart(options.seed, R, n);

    const graphU = new Uint32Array(n + 1 + m);
    graphU.set(model.rowStart, 0);
    graphU.set(model.cols, n + 1);
    const graphF = new Float32Array(n + m);
    graphF.set(model.h, 0);
    graphF.set(model.weights, n);
    const spins = new Uint32Array(2 * R * n + n);
    spins.set(start.x, 0);
    const reals = new Float32Array(2 * R + L + 1);
    reals.fill(Infinity, R, 2 * R);
    reals.set(temperatures, 2 * R);
    reals[2 * R + L] = Infinity;
    const control = new Uint32Array(HEAD + 3 * R);
    control[3] = start.exchangeKey;
    control.set(start.keys, HEAD);
    for (let r = 0; r < R; r++) {
      control[HEAD + R + r] = r;
      control[HEAD + 2 * R + r] = r % L;
    }
    const params = new Uint32Array([n, R, this.#schedule.sweepsPerRound, L]);

    const buffers = [
      uniformBuffer(device, params.buffer, 'pt params'),
      storageBuffer(device, graphU, 'pt graph u32'),
      storageBuffer(device, graphF, 'pt graph f32'),
      storageBuffer(device, spins, 'pt spins'),
      storageBuffer(device, R * n * 4, 'pt fields'),
      storageBuffer(device, reals, 'pt reals'),
      storageBuffer(device, control, 'pt control'),
    ];
    this.#buffers = { spins: buffers[3]!, reals: buffers[5]!, control: buffers[6]!, all: buffers };
    const { layout, group } = bindAll(device, buffers, 2);
    this.#layout = layout;
    this.#bindGroup = group;
  }

  /** Whether a replica's fields and bits fit in one workgroup's memory on this device. */
  static fits(ctx: GpuContext, model: BinaryModel): boolean {
    return capacity(model.n) * PT_BYTES_PER_VARIABLE + ptFixedBytes(workgroupOf(ctx)) <= ctx.device.limits.maxComputeWorkgroupStorageSize;
  }

  /** `workgroup` overrides the adapter's default width, so tests can run a hardware GPU's kernel on lavapipe. */
  static async create(ctx: GpuContext, model: BinaryModel, options: EngineOptions & { workgroup?: number }): Promise<PtGpuAnnealer> {
    const engine = new PtGpuAnnealer(ctx, model, options);
    const code = ptWgsl(capacity(model.n), options.workgroup ?? workgroupOf(ctx));
    engine.#pipelines = await compilePipelines(ctx.device, 'parallel tempering', code, engine.#layout, ENTRY_POINTS);
    await engine.#run(0);
    return engine;
  }

  get attempts(): number {
    return this.sweeps * this.#model.n * this.#schedule.replicas;
  }

  bestSolution(): number[] {
    return this.#best.slice();
  }

  current(): { energy: number; temperature: number } {
    const R = this.#schedule.replicas;
    return { energy: this.#energies[this.#control[HEAD + R]!]!, temperature: this.#schedule.temperatures[0]! };
  }

  async epoch(): Promise<void> {
    // Decided on the last epoch's energies as the CPU does, but only now, so that between epochs the states and
    // energies a snapshot reads still belong together.
    const lowest = Math.min(...this.#energies.subarray(0, this.#schedule.replicas));
    if (this.#restarts.due(lowest, this.sweeps)) this.#restart();
    await this.#run(this.#schedule.roundsPerEpoch);
    this.sweeps += this.#schedule.roundsPerEpoch * this.#schedule.sweepsPerRound;
  }

  /** New random states for every replica; the init pass of the run that follows derives their fields and energies. */
  #restart(): void {
    const states = ptStates(this.#seed, this.#schedule.replicas, this.#model.n, this.#restarts.count);
    this.#ctx.device.queue.writeBuffer(this.#buffers.spins, 0, Uint32Array.from(states));
  }

  /** Every replica's current state and energy as the GPU holds them (tests compare them with the CPU's scoring). */
  async snapshot(): Promise<{ states: number[][]; energies: number[] }> {
    const { n } = this.#model;
    const R = this.#schedule.replicas;
    const { data } = await submitAndRead(this.#ctx.device, () => {}, [
      { from: this.#buffers.spins, offset: 0, bytes: R * n * 4 },
      { from: this.#buffers.reals, offset: 0, bytes: R * 4 },
    ]);
    const [spins, reals] = data;
    const x = new Uint32Array(spins!);
    return {
      states: Array.from({ length: R }, (_, r) => Array.from(x.subarray(r * n, (r + 1) * n))),
      energies: Array.from(new Float32Array(reals!)),
    };
  }

  /** Re-derives fields and energies, runs `rounds` rounds of sweeps and swaps, and reads the best back. */
  async #run(rounds: number): Promise<void> {
    const { n } = this.#model;
    const { replicas: R, rungs: L } = this.#schedule;
    const { init, sweep, exchange, reduce } = this.#pipelines;
    const reads: Copy[] = [
      { from: this.#buffers.reals, offset: 0, bytes: (2 * R + L + 1) * 4 },
      { from: this.#buffers.control, offset: 0, bytes: (HEAD + 2 * R) * 4 },
      { from: this.#buffers.spins, offset: 2 * R * n * 4, bytes: n * 4 },
    ];
    const dispatches: Dispatch[] = [[init, R]];
    for (let round = 0; round < rounds; round++) dispatches.push([sweep, R], [exchange, 1]);
    dispatches.push([reduce, 1]);
    const { data, seconds } = await dispatchAndRead(this.#ctx.device, this.#bindGroup, dispatches, reads);
    this.gpuSeconds += seconds;
    const [reals, control, best] = data;
    this.#energies = new Float32Array(reals!);
    this.#control = new Uint32Array(control!);
    const globalBest = this.#energies[2 * R + L]!;
    if (globalBest < this.bestEnergy) {
      this.bestEnergy = globalBest;
      this.#best = Array.from(new Uint32Array(best!));
    }
  }

  dispose(): void {
    for (const buffer of this.#buffers.all) buffer.destroy();
  }
}

function workgroupOf(ctx: GpuContext): number {
  return PT_WORKGROUP[ctx.software ? 'software' : 'hardware'];
}

function capacity(n: number): number {
  return Math.max(32, Math.ceil(n / 32) * 32);
}
