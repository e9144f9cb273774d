import { notFound, type BridgeError } from '../../src/core/errors.js';
import type { Job } from '../../src/core/job.js';
import { compact } from '../../src/core/json.js';
import { requireOwnJob, requireTenant, routeOptionsFor } from '../../src/server/context.js';
import type { Dialect } from '../../src/server/dialect.js';
import { route } from '../../src/server/http.js';
import { DIALECT_NAME, encodeMutagent } from './encode.js';
import { parseJobRequest } from './schema.js';
import { mountOptimizationSocket } from './socket.js';

/** Mutagent's error bodies are a bare message: `{"error": "Job not found"}`. */
function errorBody(error: BridgeError): unknown {
  return { error: error.message };
}

/** A job in Mutagent's camelCase; what only the bridge knows travels under `x_bridge`. */
function jobView(job: Job): Record<string, unknown> {
  const spec: Record<string, unknown> = job.problem.kind === 'prompt' ? job.problem.spec : {};
  return compact({
    jobId: job.id,
    status: job.status,
    promptId: spec.promptId,
    datasetId: spec.datasetId,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    completedAt: job.finishedAt ?? undefined,
    resultPromptId: job.result?.data?.resultPromptId,
    finalScore: job.result?.objective,
    error: job.error?.message,
    x_bridge: { provider: job.provider, kind: job.kind, lastEventId: job.lastSeq },
  });
}

export const mutagentDialect: Dialect = {
  name: DIALECT_NAME,
  encode: encodeMutagent,
  pathPrefixes: ['/api/optimization/', '/ws/optimization'],
  errorBody,
  mount(ctx) {
    const options = routeOptionsFor(ctx, errorBody);

    route(ctx.app, 'post', '/api/optimization/jobs', options('POST /api/optimization/jobs'), async (request, body) => {
      const tenantId = await requireTenant(ctx, request, 'write');
      const { spec, provider } = parseJobRequest(body, request.header('x-bridge-provider'));
      const job = await ctx.jobService.submit({ tenantId, problem: { kind: 'prompt', spec }, params: {}, provider });
      return { status: 201, body: jobView(job) };
    });

    route(ctx.app, 'get', '/api/optimization/jobs/:id', options('GET /api/optimization/jobs/{id}'), async (request) => {
      const job = await requireOwnJob(ctx, request, () => notFound('Job'));
      return { status: 200, body: jobView(job) };
    });

    mountOptimizationSocket(ctx);
  },
};
