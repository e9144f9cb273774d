import { notFound, type BridgeError } from '../../src/core/errors.js';
import { requireOwnJob, requireTenant, routeOptionsFor } from '../../src/server/context.js';
import type { Dialect } from '../../src/server/dialect.js';
import { route } from '../../src/server/http.js';
import { DIALECT_NAME, encodeMutagent } from './encode.js';
import { jobSpec, jobValidator } from './schema.js';
import { jobView, MutagentErrorBody, MutagentJob } from './views.js';
import { mountOptimizationSocket } from './socket.js';

function errorBody(error: BridgeError): unknown {
  return { error: error.message };
}

export const mutagentDialect: Dialect = {
  name: DIALECT_NAME,
  encode: encodeMutagent,
  pathPrefixes: ['/api/optimization/', '/ws/optimization'],
  errorBody,
  mount(ctx) {
    const options = routeOptionsFor(ctx, errorBody, { tag: DIALECT_NAME, errorSchema: MutagentErrorBody });

    const createDocs = {
      summary: 'Start a prompt optimization job',
      access: 'write' as const,
      body: jobValidator,
      responses: { 201: { description: 'The job, queued; follow it on /ws/optimization.', schema: MutagentJob } },
    };
    route(ctx.app, 'post', '/api/optimization/jobs', options('POST /api/optimization/jobs', createDocs), async (request, input) => {
      const tenantId = await requireTenant(ctx, request, 'write');
      const { spec, provider } = jobSpec(input.body(), request.header('x-bridge-provider'));
      const job = await ctx.jobService.submit({ tenantId, problem: { kind: 'prompt', spec }, params: {}, provider });
      return { status: 201, body: jobView(job) };
    });

    const jobDocs = { summary: 'A job\'s status', access: 'read' as const, responses: { 200: { description: 'The job.', schema: MutagentJob } } };
    route(ctx.app, 'get', '/api/optimization/jobs/:id', options('GET /api/optimization/jobs/{id}', jobDocs), async (request) => {
      const job = await requireOwnJob(ctx, request, () => notFound('Job'));
      return { status: 200, body: jobView(job) };
    });

    mountOptimizationSocket(ctx);
  },
};
