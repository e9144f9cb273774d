import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Workers are kept after a job (unref'd, so they never hold the process open): a worker is slow to
 * start under tsx, and the one that ran on the GPU keeps its WebGPU device for the next job.
 */
const idle: Worker[] = [];
/** Workers that opened Dawn: terminating one can abort the process, so they are always kept. */
const holdingGpu = new WeakSet<Worker>();
const MAX_IDLE = Math.max(2, availableParallelism());

/** The worker file sits next to this one, with this file's extension: `.ts` under tsx, `.js` in dist/. */
function spawn(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./solver-worker.js', import.meta.url));
  // Node 20 loads a worker's entry before `--import tsx` hooks are in place, so the worker registers tsx itself.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./solver-worker.ts', import.meta.url).href);
  const bootstrap = `import(${tsx}).then((api) => { api.register(); return import(${entry}); });`;
  return new Worker(bootstrap, { eval: true, execArgv: [] });
}

/** A pooled worker; one that will touch WebGPU is taken from (and later kept in) the GPU holders first. */
export function acquireWorker(gpu: boolean): Worker {
  const at = gpu ? idle.findIndex((w) => holdingGpu.has(w)) : idle.findIndex((w) => !holdingGpu.has(w));
  const worker = at >= 0 ? idle.splice(at, 1)[0]! : spawn();
  if (gpu) holdingGpu.add(worker);
  worker.ref();
  return worker;
}

/** Hands back a worker whose job ended cleanly. */
export function releaseWorker(worker: Worker): void {
  worker.removeAllListeners('message');
  worker.removeAllListeners('error');
  worker.removeAllListeners('exit');
  if (idle.length >= MAX_IDLE && !holdingGpu.has(worker)) {
    void worker.terminate();
    return;
  }
  worker.unref();
  worker.once('exit', () => {
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  });
  idle.push(worker);
}

/** Drops a worker whose job failed; it has no GPU work in flight by then. */
export function discardWorker(worker: Worker): void {
  worker.removeAllListeners();
  void worker.terminate();
}
