import type { Static } from '@sinclair/typebox';
import { BridgeError } from '../../src/core/errors.js';
import { FINAL_JOB_STATUSES, type Job } from '../../src/core/job.js';
import { unexpectedFrame } from '../../src/server/codec.js';
import { requireOwnJob, requireTenant, routeOptionsFor, type ServerContext } from '../../src/server/context.js';
import type { Dialect } from '../../src/server/dialect.js';
import { route } from '../../src/server/http.js';
import { mountJobStream } from '../../src/server/job-stream.js';
import { encodeJaot, executionStatus, jaotResult, PROGRESS_TYPES, progressOf, statusGreeting } from './encode.js';
import { JAOT_MESSAGES, JaotPing, type JaotError } from './messages.js';
import { solveRequest, solveValidator } from './schema.js';
import { JaotCancelling, JaotErrorBody, JaotSubmitted, JaotTask } from './views.js';

/** FastAPI's shape, which the doc's Python clients meet on every JAOT error. */
function errorBody(error: BridgeError): unknown {
  return { detail: error.message };
}

function errorFrame(error: BridgeError, jobId: string): string {
  const message = error.code === 'not_found' ? `Execution ${jobId} not found` : error.message;
  const frame: JaotError = { type: 'error', message, x_bridge: { code: error.code } };
  return JSON.stringify(frame);
}

/** The doc's only client message is the text "ping"; anything else gets an error, and the execution goes on. */
function onMessage(text: string): string {
  if (text.trim() === 'ping') return 'pong';
  throw unexpectedFrame(text, 'the only client message is "ping"');
}

const taskNotFound = (id: string): BridgeError => new BridgeError('not_found', `Task ${id} not found`);

/** What the doc's `poll_for_result` reads; progress is 0 until a provider reports any. */
async function taskView(ctx: ServerContext, job: Job): Promise<Static<typeof JaotTask>> {
  const latest = await ctx.events.latest(job.id, undefined, PROGRESS_TYPES);
  const completed = job.status === 'completed';
  const { result, rest } = jaotResult(job.result);
  return {
    task_id: job.id,
    status: executionStatus(job.status),
    progress: completed ? 1 : ((latest && progressOf(latest)) ?? 0),
    result: completed ? result : null,
    error: job.error?.message ?? null,
    x_bridge: { provider: job.provider, kind: job.kind, ...(completed && rest && { result: rest }) },
  };
}

export const jaotDialect: Dialect = {
  name: 'jaot',
  encode: encodeJaot,
  pathPrefixes: ['/api/v2/'],
  errorBody,
  mount(ctx) {
    const options = routeOptionsFor(ctx, errorBody, { tag: 'jaot', errorSchema: JaotErrorBody });

    const solveDocs = {
      summary: 'Submit a model to solve asynchronously',
      access: 'write' as const,
      body: solveValidator,
      responses: { 202: { description: 'Accepted; poll the task or open ws_url.', schema: JaotSubmitted } },
    };
    route(ctx.app, 'post', '/api/v2/solve/async', options('POST /api/v2/solve/async', solveDocs), async (request, input) => {
      const tenantId = await requireTenant(ctx, request, 'write');
      const { problem, provider } = solveRequest(input.body(), request.header('x-bridge-provider'));
      const job = await ctx.jobService.submit({ tenantId, problem, params: {}, provider });
      return {
        status: 202,
        body: { task_id: job.id, ws_url: `/api/v2/ws/executions/${job.id}`, status: executionStatus(job.status) },
      };
    });

    const taskDocs = { summary: 'Poll a task', access: 'read' as const, responses: { 200: { description: 'The task.', schema: JaotTask } } };
    route(ctx.app, 'get', '/api/v2/solve/async/:id', options('GET /api/v2/solve/async/{id}', taskDocs), async (request) => {
      return { status: 200, body: await taskView(ctx, await requireOwnJob(ctx, request, taskNotFound)) };
    });

    const cancelDocs = { summary: 'Cancel a task', access: 'write' as const, responses: { 202: { description: 'Cancelling; watchers get `cancelled`.', schema: JaotCancelling } } };
    route(ctx.app, 'post', '/api/v2/solve/async/:id/cancel', options('POST /api/v2/solve/async/{id}/cancel', cancelDocs), async (request) => {
      const job = await requireOwnJob(ctx, request, taskNotFound, 'write');
      if (FINAL_JOB_STATUSES.has(job.status)) throw new BridgeError('conflict', `Task ${job.id} is already ${job.status}`);
      await ctx.jobService.cancel(job);
      // The provider confirms asynchronously: watchers get `cancelled`, and polling shows it.
      return { status: 202, body: { task_id: job.id, status: 'cancelling' } };
    });

    mountJobStream(ctx, jaotDialect, ['/api/v2/ws/executions/:id'], {
      errorFrame,
      greeting: statusGreeting,
      greetingTypes: PROGRESS_TYPES,
      onMessage,
      closeAfterTerminal: true,
      acceptsAfter: false,
      docs: {
        summary: 'An execution\'s status, progress and result',
        description: 'Starts with `status`; closes after completed, failed or cancelled.',
        send: JAOT_MESSAGES,
        receive: [JaotPing],
      },
    });
  },
};
