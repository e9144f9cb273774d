import { parentPort } from 'node:worker_threads';
import { createEngine } from '../annealing/engines.js';
import { runHighs } from '../lp/highs-run.js';
import { runEngine } from '../annealing/run-loop.js';
import type { AnnealJob, AnnealMessage, LinearJob, LinearMessage, ToWorker } from './worker-protocol.js';

/** Worker entry: runs one job at a time off the main thread and posts its progress back. */
const port = parentPort;
if (port === null) throw new Error('solver-worker must run inside a worker thread');

function post(message: AnnealMessage | LinearMessage): void {
  port!.postMessage(message);
}

async function anneal(job: AnnealJob): Promise<void> {
  const engine = await createEngine(job.problem, job.seed, job.replicas, job.device);
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

async function linear(job: LinearJob): Promise<void> {
  post({ type: 'started', device: 'cpu' });
  const result = await runHighs(job, (progress) => post({ type: 'progress', progress }));
  post({ type: 'done', result });
}

port.on('message', (message: ToWorker) => {
  const work = message.type === 'anneal' ? anneal(message.job) : linear(message.job);
  work.catch((error: unknown) => {
    const err = error instanceof Error ? error : new Error(String(error));
    post({ type: 'error', message: err.message, stack: err.stack });
  });
});
