/**
 * JAOT (protocols/jaot.txt): async LP/MIP solves. A socket gets `status` (with the latest progress) on connect, then
 * `progress` and one terminal message, after which the server closes it. The doc's clients open the socket without
 * credentials, so a key is checked there only when one is presented.
 */
import { randomUUID } from 'node:crypto';
import { VendorSim, follow, isObject, round, type Msg, type RunScript, type SimJob, type SimOptions, type SimSocket } from './harness.js';

const ITERATIONS_PER_EVENT = 10;
const OPTIMUM = 3500;

const objective = (quality: number): number => round(OPTIMUM * quality, 2);
const gap = (quality: number): number => round(0.1 * (1 - quality), 4);

const script: RunScript = {
  progress: (job, i) => {
    const { best } = job.point(i);
    const iteration = (i + 1) * ITERATIONS_PER_EVENT;
    return {
      type: 'progress',
      execution_id: job.id,
      status: 'running',
      progress: round((i + 1) / job.total),
      message: `Iteration ${iteration}: obj=${objective(best)}, gap=${round(gap(best) * 100, 2)}%`,
      iteration,
      objective_value: objective(best),
      gap: gap(best),
      timestamp: job.now(),
    };
  },
  end: (job) => {
    const head = { type: job.status, execution_id: job.id, status: job.status };
    if (job.status === 'failed') return { ...head, error: 'Solver error: problem is infeasible' };
    return { ...head, result: job.status === 'completed' ? result(job) : null };
  },
};

function result(job: SimJob): Msg {
  const { best, bestAt } = job.latest;
  return {
    status: 'optimal',
    objective_value: objective(best),
    solution: { widgets: Math.round(30 * best), gadgets: Math.round(60 * job.noise(bestAt, 1)) },
    solve_time_seconds: round((job.total * job.intervalMs) / 1000, 3),
    credits_used: 1,
    credits_remaining: 99,
  };
}

const latestProgress = (job: SimJob): Msg | null => job.history.findLast((msg) => msg.type === 'progress') ?? null;

function refuse(sock: SimSocket, message: string, code: number): void {
  sock.reply({ type: 'error', message });
  sock.close(code, message);
}

export async function startJaotSim(options: SimOptions = {}): Promise<VendorSim> {
  const sim = new VendorSim(
    {
      name: 'jaot',
      defaultKey: 'ok_live_sim',
      newId: randomUUID,
      script,
      errorBody: (_status, message) => ({ detail: message }),
      notFound: (id) => `Task ${id} not found`,
    },
    options,
  );
  sim.http('POST', '/api/v2/solve/async', ({ body }) => {
    if (!isObject(body)) return sim.error(422, 'Expected a JSON object');
    const job = sim.createJob({}, body);
    return sim.reply({ task_id: job.id, ws_url: `/api/v2/ws/executions/${job.id}`, status: 'pending' }, 202);
  });
  sim.jobRoute('GET', '/api/v2/solve/async/:id', (job) =>
    sim.reply({
      task_id: job.id,
      status: job.status,
      progress: job.status === 'completed' ? 1 : (latestProgress(job)?.progress ?? 0),
      result: job.final?.result ?? null,
      error: job.final?.error ?? null,
    }),
  );
  sim.jobRoute('POST', '/api/v2/solve/async/:id/cancel', (job) =>
    job.cancel() ? sim.reply({ task_id: job.id, status: job.status }) : sim.error(409, `Task ${job.id} already ${job.status}`),
  );
  sim.ws('/api/v2/ws/executions/:id', ({ params, key }) => (sock) => {
    if (key !== undefined && !sim.authorized(key)) return refuse(sock, 'Invalid API key', 1008);
    const job = sim.job(params.id ?? '');
    if (!job) return refuse(sock, `Execution ${params.id} not found`, 1000);
    sock.onMessage((text) => {
      if (text === 'ping') sock.reply('pong');
    });
    sock.attach(job.id);
    sock.send(job.id, { type: 'status', execution_id: job.id, status: job.status, progress_data: latestProgress(job) });
    follow(sock, job, () => [1000, job.status]);
  });
  return sim.listen();
}
