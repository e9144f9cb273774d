/**
 * MatCraft (protocols/matcraft.txt): batched materials campaigns. Each iteration is `iteration_start`, one
 * `evaluation_complete` per candidate, then `iteration_complete`; the run ends with `campaign_complete` (or `error`).
 * Live only, server ping frames, an idle timeout, and at most N sockets per API key.
 */
import { randomBytes } from 'node:crypto';
import { VendorSim, follow, isObject, round, type Msg, type RunScript, type SimJob, type SimOptions, type SimSocket } from './harness.js';

export interface MatcraftOptions extends SimOptions {
  /** Candidates evaluated per iteration. */
  batchSize?: number;
  /** Server ping frames; a client that has not answered the previous one by the next is cut. */
  pingIntervalMs?: number;
  /** Close a socket after this long without campaign progress. */
  idleTimeoutMs?: number;
  maxSocketsPerKey?: number;
}

const hypervolume = (quality: number): number => round(0.9 * quality);
const objectives = (quality: number): Msg => ({ permeability: round(20 + 20 * quality, 2), salt_rejection: round(90 + 9 * quality, 2) });

function campaignScript(batch: number): RunScript {
  const cycle = batch + 2;
  const message = (job: SimJob, type: string, data: Msg): Msg => ({ type, timestamp: job.now(), data });
  /** Evaluations finished after `steps` progress messages. */
  const evaluations = (steps: number) => Math.floor(steps / cycle) * batch + Math.min(Math.max((steps % cycle) - 1, 0), batch);
  return {
    progress: (job, i) => {
      const iteration = Math.floor(i / cycle) + 1;
      const slot = i % cycle;
      if (slot === 0) {
        const total_iterations = Math.ceil((job.total - 1) / cycle);
        return message(job, 'iteration_start', { iteration, total_iterations, phase: 'evaluating', batch_size: batch });
      }
      if (slot <= batch) {
        return message(job, 'evaluation_complete', { iteration, evaluation_index: slot - 1, batch_size: batch, objectives: objectives(job.point(i).value) });
      }
      const { best } = job.point(i);
      const previous = i >= cycle ? hypervolume(job.point(i - cycle).best) : 0;
      return message(job, 'iteration_complete', {
        iteration,
        evaluations_completed: iteration * batch,
        hypervolume: hypervolume(best),
        hypervolume_improvement: round(hypervolume(best) - previous),
        pareto_size: 3 + Math.round(15 * best),
        surrogate_loss: round(0.1 * (1 - best)),
        best_objectives: objectives(best),
      });
    },
    end: (job) => {
      const iterations = Math.floor(job.steps / cycle);
      if (job.status === 'failed') {
        return message(job, 'error', { code: 'SURROGATE_TRAINING_FAILED', message: 'NaN detected in surrogate predictions', iteration: iterations + 1 });
      }
      const { best } = job.latest;
      return message(job, 'campaign_complete', {
        status: job.status === 'completed' ? 'converged' : 'cancelled',
        total_iterations: iterations,
        total_evaluations: evaluations(job.steps),
        final_hypervolume: hypervolume(best),
        pareto_size: 3 + Math.round(15 * best),
      });
    },
  };
}

/** Server ping frames; held back while stalled, since a stalled server sends nothing. */
function heartbeat(sock: SimSocket, sim: VendorSim, everyMs: number): void {
  let answered = true;
  sock.ws.on('pong', () => (answered = true));
  const timer = setInterval(() => {
    if (sim.faults.stall) return;
    if (!answered) return sock.ws.terminate();
    answered = false;
    sock.ws.ping();
  }, everyMs);
  sock.onClose(() => clearInterval(timer));
}

function idleTimeout(sock: SimSocket, job: SimJob, ms: number): void {
  let timer = setTimeout(() => sock.close(1000, 'idle timeout'), ms);
  const unsubscribe = job.subscribe({
    message: () => timer.refresh(),
    end: () => clearTimeout(timer),
  });
  sock.onClose(() => {
    clearTimeout(timer);
    unsubscribe();
  });
}

export async function startMatcraftSim(options: MatcraftOptions = {}): Promise<VendorSim> {
  const { batchSize = 3, pingIntervalMs = 30_000, idleTimeoutMs = 600_000, maxSocketsPerKey = 10 } = options;
  const sim = new VendorSim(
    {
      name: 'matcraft',
      defaultKey: 'mc_live_sim',
      newId: () => `camp_${randomBytes(6).toString('hex')}`,
      script: campaignScript(batchSize),
      errorBody: (_status, message) => ({ detail: message }),
      notFound: (id) => `Campaign ${id} not found`,
    },
    options,
  );
  const view = (job: SimJob): Msg => ({
    id: job.id,
    campaign_id: job.id,
    name: job.input.name ?? 'campaign',
    status: job.status,
    batch_size: batchSize,
    total_iterations: Math.ceil((job.total - 1) / (batchSize + 2)),
    created_at: job.createdAt,
  });
  sim.http('POST', '/api/v1/campaigns', ({ body }) => {
    if (!isObject(body)) return sim.error(422, 'Expected a JSON object');
    return sim.reply(view(sim.createJob({}, body)), 201);
  });
  sim.jobRoute('GET', '/api/v1/campaigns/:id', (job) => sim.reply(view(job)));
  sim.jobRoute('POST', '/api/v1/campaigns/:id/cancel', (job) =>
    job.cancel() ? sim.reply(view(job)) : sim.error(409, `Campaign ${job.id} already ${job.status}`),
  );

  const open = new Map<string, number>();
  const stream = ({ params }: { params: Readonly<Record<string, string>> }) => (sock: SimSocket) => {
    if (!sim.authorized(sock.key)) return sock.close(4001, 'Unauthorized');
    const key = sock.key ?? '';
    if ((open.get(key) ?? 0) >= maxSocketsPerKey) return sock.close(1008, `Connection limit reached (${maxSocketsPerKey} per API key)`);
    open.set(key, (open.get(key) ?? 0) + 1);
    sock.onClose(() => open.set(key, (open.get(key) ?? 1) - 1));
    const job = sim.job(params.id ?? '');
    if (!job) return sock.close(4004, 'Campaign not found');
    sock.attach(job.id);
    heartbeat(sock, sim, pingIntervalMs);
    idleTimeout(sock, job, idleTimeoutMs);
    follow(sock, job, () => [1000, job.status]);
  };
  // The doc gives both paths: /api/v1 for the hosted service, /v1 for self-hosted deployments.
  sim.ws('/api/v1/ws/campaigns/:id', stream);
  sim.ws('/v1/ws/campaigns/:id', stream);
  return sim.listen();
}
