import { parentPort } from 'node:worker_threads';
import { createCpuEngine } from './engines.js';
import { runEngine } from './run-loop.js';
import type { FromWorker, ToWorker, WorkerJob } from './worker-protocol.js';

/** Worker entry: runs one job at a time off the main thread and posts its progress back. */
const port = parentPort;
if (port === null) throw new Error('annealing-worker must run inside a worker thread');

function post(message: FromWorker): void {
  port!.postMessage(message);
}

async function solve(job: WorkerJob): Promise<void> {
  const engine = createCpuEngine(job.problem, job.seed, job.replicas);
  post({ type: 'started', device: engine.device });
  try {
    const result = await runEngine(
      engine,
      job.limits,
      () => Atomics.load(job.cancel, 0) !== 0,
      (progress) => post({ type: 'progress', progress }),
    );
    post({ type: 'done', result });
  } finally {
    engine.dispose?.();
  }
}

port.on('message', (message: ToWorker) => {
  solve(message.job).catch((error: unknown) => {
    const err = error instanceof Error ? error : new Error(String(error));
    post({ type: 'error', message: err.message, stack: err.stack });
  });
});
