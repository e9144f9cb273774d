import { JOB_ID_PATTERN } from '../core/ids.js';
import { BridgeError, invalid } from '../core/errors.js';
import { auditJob } from './audit.js';
import { requireOwnJob, requireTenant, routeOptionsFor, type ServerContext } from './context.js';
import { csv, ndjson } from './export.js';
import { pagesAhead } from './feed.js';
import { route } from './http.js';
import { jobFilterOf } from './job-filter.js';
import { prometheusText } from '../telemetry/metrics.js';
import { isReachable } from '../store/database.js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

const MAX_PAGE = 1000;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

function errorBody(error: BridgeError): unknown {
  return { error: { code: error.code, message: error.message, ...(error.details && { details: error.details }) } };
}

function pageParam(value: string | null, name: string, fallback: number, range: { min: number; max: number }): number {
  if (value === null || value === '') return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) throw invalid(`${name} must be an integer from ${range.min} to ${range.max}`);
  return n;
}

/** The bridge's own API: health, readiness, and the recorded jobs and events of the caller's tenant. */
export function mountBridgeRoutes(ctx: ServerContext, db: Kysely<Database>): void {
  const options = routeOptionsFor(ctx, errorBody);

  route(ctx.app, 'get', '/healthz', options('GET /healthz'), async () => ({ status: 200, body: { status: 'ok' } }));

  // Like the health checks, unauthenticated: scrapers carry no API key, and no series names a job or tenant.
  route(ctx.app, 'get', '/metrics', options('GET /metrics'), async () => {
    const text = await prometheusText();
    return { status: 200, contentType: 'text/plain; version=0.0.4; charset=utf-8', stream: (async function* () { yield text; })() };
  });

  route(ctx.app, 'get', '/readyz', options('GET /readyz'), async () => {
    if (ctx.draining) return { status: 503, body: { status: 'draining', store: true } };
    const store = await isReachable(db);
    if (!ctx.redisUp) return { status: store ? 200 : 503, body: { status: store ? 'ready' : 'unavailable', store } };
    // Without Redis a node still serves: owners keep writing, and its clients catch up from the store once it
    // is back. So it stays in the load balancer, and says what is degraded.
    const redis = ctx.redisUp();
    const status = !store ? 'unavailable' : redis ? 'ready' : 'degraded';
    return {
      status: store ? 200 : 503,
      body: { status, store, redis, node: ctx.config.cluster.nodeId, degraded: [...(store ? [] : ['store']), ...(redis ? [] : ['redis'])] },
    };
  });

  route(ctx.app, 'get', '/bridge/v1/jobs', options('GET /bridge/v1/jobs'), async (request) => {
    const tenantId = await requireTenant(ctx, request);
    const limit = pageParam(request.query.get('limit'), 'limit', 100, { min: 1, max: MAX_PAGE });
    const before = request.query.get('before') ?? undefined;
    if (before !== undefined && !JOB_ID_PATTERN.test(before)) throw invalid('before must be a job id from an earlier page');
    const jobs = await ctx.jobs.list(tenantId, { limit, filter: jobFilterOf(request.query), ...(before && { before }) });
    return { status: 200, body: { jobs, next_before: jobs.length === limit ? jobs.at(-1)?.id : null } };
  });

  route(ctx.app, 'get', '/bridge/v1/jobs/:id', options('GET /bridge/v1/jobs/{id}'), async (request) => {
    return { status: 200, body: await requireOwnJob(ctx, request) };
  });

  route(ctx.app, 'get', '/bridge/v1/jobs/:id/events', options('GET /bridge/v1/jobs/{id}/events'), async (request) => {
    const job = await requireOwnJob(ctx, request);
    const after = pageParam(request.query.get('after'), 'after', 0, { min: 0, max: Number.MAX_SAFE_INTEGER });
    const format = request.query.get('format') ?? 'json';
    const dialect = request.query.get('dialect');
    if (dialect !== null && format !== 'ndjson') throw invalid('dialect= is only available with format=ndjson');
    if (format === 'ndjson' || format === 'csv') {
      const encode = dialect === null ? undefined : ctx.encoders.get(dialect);
      if (dialect !== null && !encode) throw invalid(`unknown dialect "${dialect}"; one of ${[...ctx.encoders.keys()].join(', ')}`);
      // Canonical lines are the audit record, raw upstream message included; dialects and CSV never show it.
      const pages = pagesAhead(ctx.events, job.id, after, { withRaw: format === 'ndjson' && !encode });
      return format === 'csv'
        ? { status: 200, contentType: 'text/csv; charset=utf-8', stream: csv(pages) }
        : { status: 200, contentType: 'application/x-ndjson', stream: ndjson(pages, encode) };
    }
    if (format !== 'json') throw invalid(`format must be json, ndjson or csv, got "${format}"`);
    const limit = pageParam(request.query.get('limit'), 'limit', MAX_PAGE, { min: 1, max: MAX_PAGE });
    const events = await ctx.events.read(job.id, after, limit);
    return {
      status: 200,
      body: { job_id: job.id, events, next_after: events.length === limit ? events.at(-1)!.seq : null },
    };
  });

  route(ctx.app, 'get', '/bridge/v1/jobs/:id/audit', options('GET /bridge/v1/jobs/{id}/audit'), async (request) => {
    const job = await requireOwnJob(ctx, request);
    const head = request.query.get('head') ?? undefined;
    if (head !== undefined && !SHA256_HEX.test(head)) throw invalid('head must be a sha256 hash: 64 hex digits, as verify reports it');
    return { status: 200, body: await auditJob(db, job, head?.toLowerCase()) };
  });
}
