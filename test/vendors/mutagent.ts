/**
 * Mutagent (protocols/mutagent.txt): prompt-optimization jobs on one multiplexed socket. Clients `subscribe` per
 * job, optionally with `afterEventId` to get a `replay` of what they missed; every event has an id, so resuming is
 * lossless. The doc's clients open the socket without credentials, so a key is checked only when one is presented.
 */
import { randomUUID } from 'node:crypto';
import { VendorSim, isObject, round, type Msg, type RunScript, type SimJob, type SimOptions, type SimSocket } from './harness.js';

const score = (quality: number): number => round(0.5 + 0.45 * quality);

/** Event ids are positions in the job's history, so they count pause and resume events too. */
function event(job: SimJob, eventType: string, iteration: number, stage: string, data: Msg): Msg {
  return { id: job.history.length + 1, eventType, iteration, stage, data, timestamp: job.now() };
}

const script: RunScript = {
  progress: (job, i) =>
    i === 0
      ? event(job, 'job_started', 0, 'initializing', {
          promptId: job.input.promptId ?? 'prompt_sim',
          datasetId: job.input.datasetId ?? 'dataset_sim',
          config: job.input.config ?? { maxIterations: job.total - 2 },
        })
      : event(job, 'iteration_completed', i, 'evaluating', { score: score(job.point(i).value) }),
  end: (job) => {
    const iteration = Math.max(job.steps - 1, 0);
    switch (job.status) {
      case 'completed':
        return event(job, 'job_completed', iteration, 'completed', {
          resultPromptId: `prompt_${job.seed}_${job.latest.bestAt}`,
          finalScore: score(job.latest.best),
        });
      case 'failed':
        return event(job, 'job_failed', iteration, 'failed', {
          error: 'Evaluation model unavailable',
          errorStack: 'Error: Evaluation model unavailable\n    at evaluate (optimizer.ts:1:1)',
          willRetry: false,
        });
      default:
        return event(job, 'job_cancelled', iteration, 'cancelled', { cancelledAt: job.now(), finalIteration: iteration });
    }
  },
  paused: (job) => event(job, 'job_paused', job.steps - 1, 'paused', { pausedAt: job.now(), currentIteration: job.steps - 1 }),
  resumed: (job) => event(job, 'job_resumed', job.steps - 1, 'evaluating', { resumedAt: job.now(), resumeFromIteration: job.steps }),
};

const replay = (job: SimJob, after: number): Msg => ({ type: 'replay', jobId: job.id, data: job.history.filter((e) => (e.id as number) > after) });

/** One socket's subscriptions. The socket outlives any one job, so a terminal event neither closes it nor ends the subscription. */
function session(sim: VendorSim, sock: SimSocket): void {
  const subscriptions = new Map<string, () => void>();
  sock.onClose(() => subscriptions.forEach((unsubscribe) => unsubscribe()));
  const fail = (error: string, jobId?: unknown) => sock.reply({ type: 'error', error, ...(typeof jobId === 'string' ? { jobId } : {}) });

  sock.onMessage((text) => {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return fail('Invalid message');
    }
    if (!isObject(msg)) return fail('Invalid message');
    if (msg.type === 'ping') return sock.reply({ type: 'pong' });
    if (!['subscribe', 'unsubscribe', 'replay'].includes(msg.type as string)) return fail(`Unknown message type: ${String(msg.type)}`);
    const job = typeof msg.jobId === 'string' ? sim.job(msg.jobId) : undefined;
    if (!job) return fail('Job not found', msg.jobId);
    const after = typeof msg.afterEventId === 'number' ? msg.afterEventId : undefined;

    if (msg.type === 'subscribe') {
      if (!subscriptions.has(job.id)) {
        sock.attach(job.id);
        const unsubscribe = job.subscribe({ message: (e) => sock.send(job.id, { type: 'event', jobId: job.id, event: e }), end: () => {} });
        subscriptions.set(job.id, unsubscribe);
      }
      sock.reply({ type: 'subscribed', jobId: job.id });
      if (after !== undefined) sock.send(job.id, replay(job, after));
      return;
    }
    const unsubscribe = subscriptions.get(job.id);
    if (!unsubscribe) return fail('Not subscribed to job', job.id);
    if (msg.type === 'replay') return sock.send(job.id, replay(job, after ?? 0));
    unsubscribe();
    subscriptions.delete(job.id);
    sock.reply({ type: 'unsubscribed', jobId: job.id });
  });
}

export async function startMutagentSim(options: SimOptions = {}): Promise<VendorSim> {
  const sim = new VendorSim(
    {
      name: 'mutagent',
      defaultKey: 'mg_sk_sim',
      newId: randomUUID,
      script,
      errorBody: (_status, message) => ({ error: message }),
      notFound: () => 'Job not found',
    },
    options,
  );
  const view = (job: SimJob): Msg => ({
    jobId: job.id,
    status: job.status,
    currentIteration: Math.max(job.steps - 1, 0),
    promptId: job.input.promptId ?? 'prompt_sim',
    datasetId: job.input.datasetId ?? 'dataset_sim',
    createdAt: job.createdAt,
  });
  sim.http('POST', '/api/optimization/jobs', ({ body }) => {
    if (!isObject(body)) return sim.error(400, 'Expected a JSON object');
    return sim.reply(view(sim.createJob({}, body)), 201);
  });
  sim.jobRoute('GET', '/api/optimization/jobs/:id', (job) => sim.reply(view(job)));
  for (const action of ['cancel', 'pause', 'resume'] as const) {
    sim.jobRoute('POST', `/api/optimization/jobs/:id/${action}`, (job) =>
      job[action]() ? sim.reply(view(job)) : sim.error(409, `Cannot ${action} a ${job.status} job`),
    );
  }
  sim.ws('/ws/optimization', ({ key }) => {
    if (key !== undefined && !sim.authorized(key)) return sim.error(401, 'Invalid API key');
    return (sock) => session(sim, sock);
  });
  return sim.listen();
}
