/**
 * Nerox (protocols/nerox.txt): GPU annealing jobs streamed as `progress` then `completed`. The stream is live only:
 * a reconnecting client picks up from the current point. The doc shows no failure or cancellation message, so
 * then the socket just closes and `GET /v1/jobs/{id}` says why.
 */
import { randomBytes } from 'node:crypto';
import { VendorSim, follow, isObject, round, type RunScript, type SimJob, type SimOptions } from './harness.js';

const KINDS = new Set(['tsp', 'qubo', 'maxcut']);
const SOLUTION_SIZE = 8;
const ITERATIONS_PER_EVENT = 500;

const energy = (quality: number): number => round(-100 - 50 * quality, 3);

function bestSolution(job: SimJob, i: number): number[] {
  const at = job.point(i).bestAt;
  return Array.from({ length: SOLUTION_SIZE }, (_, k) => (job.noise(at, k + 1) < 0.5 ? 0 : 1));
}

const script: RunScript = {
  progress: (job, i) => ({
    type: 'progress',
    iteration: (i + 1) * ITERATIONS_PER_EVENT,
    energy: energy(job.point(i).value),
    best_energy: energy(job.point(i).best),
    best_solution: bestSolution(job, i),
    temperature: round(0.8 ** i),
    timestamp: job.now(),
  }),
  end: (job) => {
    if (job.status !== 'completed') return undefined;
    const seconds = round((job.total * job.intervalMs) / 1000, 3);
    const result = { objective: energy(job.latest.best), solution: bestSolution(job, job.steps - 1), runtime_s: seconds, gpu_seconds: seconds };
    return { type: 'completed', result };
  },
};

function view(job: SimJob): Record<string, unknown> {
  return {
    job_id: job.id,
    kind: job.input.kind,
    status: job.status === 'pending' ? 'queued' : job.status,
    iteration: job.steps * ITERATIONS_PER_EVENT,
    best_energy: job.steps > 0 ? energy(job.latest.best) : null,
    result: job.final?.result ?? null,
    error: job.status === 'failed' ? 'Solver failed: device lost' : null,
  };
}

export async function startNeroxSim(options: SimOptions = {}): Promise<VendorSim> {
  const sim = new VendorSim(
    {
      name: 'nerox',
      defaultKey: 'nrx_sk_sim',
      newId: () => `job_${randomBytes(6).toString('hex')}`,
      script,
      errorBody: (status, message) => ({ error: { status, message } }),
      notFound: (id) => `Job ${id} not found`,
    },
    options,
  );
  sim.http('POST', '/v1/optimize/:kind', ({ params, body, host }) => {
    const kind = params.kind ?? '';
    if (!KINDS.has(kind)) return sim.error(404, `Unknown problem type: ${kind}`);
    if (!isObject(body)) return sim.error(400, 'Expected a JSON object');
    const job = sim.createJob({}, { ...body, kind });
    return sim.reply({ job_id: job.id, status: 'queued', stream_url: `ws://${host}/v1/jobs/${job.id}/stream` }, 202);
  });
  sim.jobRoute('GET', '/v1/jobs/:id', (job) => sim.reply(view(job)));
  sim.jobRoute('POST', '/v1/jobs/:id/cancel', (job) => (job.cancel() ? sim.reply(view(job)) : sim.error(409, `Job ${job.id} already ${job.status}`)));
  sim.ws('/v1/jobs/:id/stream', ({ params, key }) => {
    if (!sim.authorized(key)) return sim.error(401, 'Invalid API key');
    const job = sim.job(params.id ?? '');
    if (!job) return sim.error(404, `Job ${params.id} not found`);
    return (sock) => {
      sock.attach(job.id);
      follow(sock, job, () => (job.status === 'failed' ? [1011, 'failed'] : [1000, job.status]));
    };
  });
  return sim.listen();
}
