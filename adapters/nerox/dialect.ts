import type { BridgeError } from '../../src/core/errors.js';
import { invalid } from '../../src/core/errors.js';
import { FINAL_JOB_STATUSES } from '../../src/core/job.js';
import { requireOwnJob, requireTenant, routeOptionsFor } from '../../src/server/context.js';
import type { Dialect } from '../../src/server/dialect.js';
import { route } from '../../src/server/http.js';
import { mountJobStream } from '../../src/server/job-stream.js';
import { CODED_ERROR } from '../../src/server/message-schemas.js';
import { encodeNerox } from './encode.js';
import { NEROX_MESSAGES, type NeroxError } from './messages.js';
import { isingRequest, isingValidator, maxCutRequest, maxCutValidator, quboRequest, quboValidator, tspRequest, tspValidator, type NeroxRequest } from './schema.js';
import { jobView, NeroxCancelling, NeroxJob, NeroxSubmitted } from './views.js';
import type { Problem } from '../../src/core/problem.js';
import type { Validator } from '../../src/server/validation.js';
import type { Static, TSchema } from '@sinclair/typebox';

function errorBody(error: BridgeError): unknown {
  return { error: { code: error.code, message: error.message } };
}

function errorFrame(error: BridgeError): string {
  const frame: NeroxError = { type: 'error', error: { code: error.code, message: error.message } };
  return JSON.stringify(frame);
}

export const neroxDialect: Dialect = {
  name: 'nerox',
  encode: encodeNerox,
  pathPrefixes: ['/v1/optimize/', '/v1/jobs/'],
  errorBody,
  mount(ctx) {
    const options = routeOptionsFor(ctx, errorBody, { tag: 'nerox', errorSchema: CODED_ERROR });

    const limits = {
      maxCities: ctx.config.limits.maxTspCities,
      maxVariables: ctx.config.limits.maxVariables,
      maxTerms: ctx.config.limits.maxTerms,
      maxTimeLimitS: ctx.config.solver.maxTimeLimitS,
    };
    const submission = <B extends TSchema>(kind: string, title: string, validator: Validator<B>, build: (body: Static<B>, header: string) => NeroxRequest<Problem>): void => {
      const docs = {
        summary: `Submit ${title}`,
        access: 'write' as const,
        body: validator,
        responses: { 202: { description: 'Accepted; follow stream_url for progress.', schema: NeroxSubmitted } },
      };
      route(ctx.app, 'post', `/v1/optimize/${kind}`, options(`POST /v1/optimize/${kind}`, docs), async (request, input) => {
        const tenantId = await requireTenant(ctx, request, 'write');
        const job = await ctx.jobService.submit({ tenantId, ...build(input.body(), request.header('x-bridge-provider')) });
        return {
          status: 202,
          body: {
            job_id: job.id,
            status: job.status,
            stream_url: `${ctx.publicBase(request.header('host'), 'ws')}/v1/jobs/${job.id}/stream`,
          },
        };
      });
    };
    submission('tsp', 'a travelling salesman problem', tspValidator(limits), tspRequest);
    submission('qubo', 'a QUBO problem', quboValidator(limits), (body, header) => quboRequest(body, header, limits));
    submission('ising', 'an Ising problem', isingValidator(limits), isingRequest);
    submission('maxcut', 'a Max-Cut problem', maxCutValidator(limits), (body, header) => maxCutRequest(body, header, limits));

    const jobDocs = { summary: 'A job\'s status and result', access: 'read' as const, responses: { 200: { description: 'The job.', schema: NeroxJob } } };
    route(ctx.app, 'get', '/v1/jobs/:id', options('GET /v1/jobs/{id}', jobDocs), async (request) => {
      return { status: 200, body: jobView(await requireOwnJob(ctx, request)) };
    });

    const cancelDocs = { summary: 'Cancel a job', access: 'write' as const, responses: { 202: { description: 'Cancelling; the stream ends with `cancelled`.', schema: NeroxCancelling } } };
    route(ctx.app, 'post', '/v1/jobs/:id/cancel', options('POST /v1/jobs/{id}/cancel', cancelDocs), async (request) => {
      const job = await requireOwnJob(ctx, request, undefined, 'write');
      if (FINAL_JOB_STATUSES.has(job.status)) throw invalid(`job ${job.id} is already ${job.status}`);
      await ctx.jobService.cancel(job);
      return { status: 202, body: { job_id: job.id, status: 'cancelling' } };
    });

    mountJobStream(ctx, neroxDialect, ['/v1/jobs/:id/stream'], {
      errorFrame,
      onMessage: () => {
        throw invalid('the Nerox stream takes no client messages');
      },
      closeAfterTerminal: true,
      acceptsAfter: true,
      docs: {
        summary: 'A job\'s progress, live, then its result',
        description: 'Closes after the terminal message. `?after=<seq>` resumes after an event already seen.',
        send: NEROX_MESSAGES,
        receive: [],
      },
    });
  },
};
