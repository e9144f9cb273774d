import type { BridgeError } from '../../src/core/errors.js';
import { invalid } from '../../src/core/errors.js';
import { FINAL_JOB_STATUSES, type Job } from '../../src/core/job.js';
import { requireOwnJob, requireTenant, routeOptionsFor } from '../../src/server/context.js';
import type { Dialect } from '../../src/server/dialect.js';
import { route } from '../../src/server/http.js';
import { mountJobStream } from '../../src/server/job-stream.js';
import { encodeNerox } from './encode.js';
import { parseIsingRequest, parseMaxCutRequest, parseQuboRequest, parseTspRequest, type NeroxError, type NeroxRequest } from './schema.js';
import type { Problem } from '../../src/core/problem.js';
import type { RequestInfo } from '../../src/server/http.js';

function errorBody(error: BridgeError): unknown {
  return { error: { code: error.code, message: error.message } };
}

function errorFrame(error: BridgeError): string {
  const frame: NeroxError = { type: 'error', error: { code: error.code, message: error.message } };
  return JSON.stringify(frame);
}

function jobView(job: Job): Record<string, unknown> {
  return {
    job_id: job.id,
    status: job.status,
    problem_type: job.kind,
    provider: job.provider,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    finished_at: job.finishedAt,
    result: job.result && {
      objective: job.result.objective,
      solution: job.result.solution,
      runtime_s: job.result.runtimeS,
      gpu_seconds: job.result.gpuSeconds,
    },
    error: job.error,
    device: job.device,
  };
}

export const neroxDialect: Dialect = {
  name: 'nerox',
  encode: encodeNerox,
  pathPrefixes: ['/v1/optimize/', '/v1/jobs/'],
  errorBody,
  mount(ctx) {
    const options = routeOptionsFor(ctx, errorBody);

    const limits = {
      maxCities: ctx.config.limits.maxTspCities,
      maxVariables: ctx.config.limits.maxVariables,
      maxTerms: ctx.config.limits.maxTerms,
      maxTimeLimitS: ctx.config.solver.maxTimeLimitS,
    };
    const parsers: Record<string, (body: unknown, header: string) => NeroxRequest<Problem>> = {
      tsp: (body, header) => parseTspRequest(body, header, limits),
      qubo: (body, header) => parseQuboRequest(body, header, limits),
      ising: (body, header) => parseIsingRequest(body, header, limits),
      maxcut: (body, header) => parseMaxCutRequest(body, header, limits),
    };
    for (const [kind, parse] of Object.entries(parsers)) {
      route(ctx.app, 'post', `/v1/optimize/${kind}`, options(`POST /v1/optimize/${kind}`), async (request: RequestInfo, body) => {
        const tenantId = await requireTenant(ctx, request, 'write');
        const parsed = parse(body, request.header('x-bridge-provider'));
        const job = await ctx.jobService.submit({ tenantId, ...parsed });
        return {
          status: 202,
          body: {
            job_id: job.id,
            status: job.status,
            stream_url: `${ctx.publicBase(request.header('host'), 'ws')}/v1/jobs/${job.id}/stream`,
          },
        };
      });
    }

    route(ctx.app, 'get', '/v1/jobs/:id', options('GET /v1/jobs/{id}'), async (request) => {
      return { status: 200, body: jobView(await requireOwnJob(ctx, request)) };
    });

    route(ctx.app, 'post', '/v1/jobs/:id/cancel', options('POST /v1/jobs/{id}/cancel'), async (request) => {
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
    });
  },
};
