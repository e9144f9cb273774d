import { parentPort } from 'node:worker_threads';
import { createEngine } from '../annealing/engines.js';
import { runEngine } from '../annealing/run-loop.js';
import { ModelError } from '../lp/linear-expression.js';
import { runLinearJob } from '../lp/linear-job.js';
import { parseLinearModel } from '../lp/linear-model.js';
import type { AnnealJob, AnnealMessage, CheckMessage, LinearJob, LinearMessage, ToWorker } from './worker-protocol.js';

/** Worker entry: runs one job at a time off the main thread and posts its progress back. */
const port = parentPort;
if (port === null) throw new Error('solver-worker must run inside a worker thread');

function post(message: AnnealMessage | LinearMessage | CheckMessage): void {
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
  const result = await runLinearJob(job, (progress) => post({ type: 'progress', progress }));
  post({ type: 'done', result });
}

async function checkLinear(model: Record<string, unknown>): Promise<void> {
  parseLinearModel(model);
  post({ type: 'done', result: null });
}

function run(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'anneal':
      return anneal(message.job);
    case 'linear':
      return linear(message.job);
    case 'check-linear':
      return checkLinear(message.model);
  }
}

port.on('message', (message: ToWorker) => {
  run(message).catch((error: unknown) => {
    if (error instanceof ModelError) {
      post({ type: 'model_error', error: { field: error.field, column: error.column, message: error.message } });
      return;
    }
    const err = error instanceof Error ? error : new Error(String(error));
    post({ type: 'error', message: err.message, stack: err.stack });
  });
});
