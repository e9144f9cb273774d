import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Workers are kept after a job (unref'd, so they never hold the process open): a worker is slow to
 * start under tsx, and the one that ran on the GPU keeps its WebGPU device for the next job.
 */
const idle: Worker[] = [];
const MAX_IDLE = Math.max(2, availableParallelism());

/** The worker file sits next to this one, with this file's extension: `.ts` under tsx, `.js` in dist/. */
function spawn(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./annealing-worker.js', import.meta.url));
  // Node 20 loads a worker's entry before `--import tsx` hooks are in place, so the worker registers tsx itself.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./annealing-worker.ts', import.meta.url).href);
  const bootstrap = `import(${tsx}).then((api) => { api.register(); return import(${entry}); });`;
  return new Worker(bootstrap, { eval: true, execArgv: [] });
}

export function acquireWorker(): Worker {
  const worker = idle.pop() ?? spawn();
  worker.ref();
  return worker;
}

/** Hands back a worker whose job ended cleanly; one that failed or was cut off is terminated instead. */
export function releaseWorker(worker: Worker): void {
  worker.removeAllListeners('message');
  worker.removeAllListeners('error');
  worker.removeAllListeners('exit');
  if (idle.length >= MAX_IDLE) {
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

export function discardWorker(worker: Worker): void {
  worker.removeAllListeners();
  void worker.terminate();
}
