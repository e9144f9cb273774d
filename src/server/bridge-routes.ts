import { Type } from '@sinclair/typebox';
import { invalid, type BridgeError } from '../core/errors.js';
import { auditJob } from './audit.js';
import { requireOwnJob, requireTenant, routeOptionsFor, type ServerContext } from './context.js';
import { canonicalNdjson, csv, ndjson } from './export.js';
import { canonicalPagesAhead, pagesAhead } from './feed.js';
import { AuditReport, integerParam, Job, JobEvent, JobSummary } from './bridge-schemas.js';
import { route } from './http.js';
import { jobFilterOf } from './job-filter.js';
import { CODED_ERROR, JOB_ID } from './message-schemas.js';
import { explained, validator } from './validation.js';
import { prometheusText } from '../telemetry/metrics.js';
import { isReachable } from '../store/database.js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

const MAX_PAGE = 1000;

function errorBody(error: BridgeError): unknown {
  return { error: { code: error.code, message: error.message, ...(error.details && { details: error.details }) } };
}

const jobsQuery = validator(
  Type.Object({
    limit: integerParam('limit', 1, MAX_PAGE, 'Jobs per page (default 100).'),
    before: Type.Optional(Type.String(explained('before must be a job id from an earlier page', { pattern: JOB_ID.pattern, description: 'next_before of the previous page.' }))),
    // Checked in depth by jobFilterOf, which names the allowed values in its errors.
    provider: Type.Optional(Type.String({ description: 'Only jobs run by this provider (builtin, nerox, jaot, matcraft, mutagent).' })),
    kind: Type.Optional(Type.String({ description: 'Only jobs of this problem kind (tsp, qubo, ising, maxcut, lp, campaign, prompt).' })),
    status: Type.Optional(Type.String({ description: 'Only jobs in this status (queued, running, paused, completed, failed, cancelled).' })),
    from: Type.Optional(Type.String({ description: 'Created at or after this ISO 8601 date or time.' })),
    to: Type.Optional(Type.String({ description: 'Created before this ISO 8601 date or time.' })),
    q: Type.Optional(Type.String({ description: 'Part of the job id.' })),
  }),
  'query',
);

const FORMATS = ['json', 'ndjson', 'csv'];

function eventsQuery(dialects: readonly string[]) {
  return validator(
    Type.Object({
      after: integerParam('after', 0, Number.MAX_SAFE_INTEGER, 'Events after this seq (default 0).'),
      format: Type.Optional(Type.Union(FORMATS.map((format) => Type.Literal(format)), explained((f) => `format must be json, ndjson or csv, got "${f.value}"`, { description: 'json pages; ndjson and csv stream the whole record.' }))),
      dialect: Type.Optional(Type.Union(dialects.map((name) => Type.Literal(name)), explained((f) => `unknown dialect "${f.value}"; one of ${dialects.join(', ')}`, { description: 'With format=ndjson: each event as that dialect\'s client receives it.' }))),
      limit: integerParam('limit', 1, MAX_PAGE, 'Events per json page (default 1000).'),
    }),
    'query',
  );
}

const auditQuery = validator(
  Type.Object({
    head: Type.Optional(Type.String(explained('head must be a sha256 hash: 64 hex digits, as verify reports it', { pattern: '^[0-9a-fA-F]{64}$', description: 'A head hash kept from an earlier look: it must still be in the chain.' }))),
  }),
  'query',
);

const Status = (values: string[]) => Type.Object({ status: Type.Union(values.map((value) => Type.Literal(value))) });

/** The bridge's own API: health, readiness, and the recorded jobs and events of the caller's tenant. */
export function mountBridgeRoutes(ctx: ServerContext, db: Kysely<Database>): void {
  const options = routeOptionsFor(ctx, errorBody, { tag: 'bridge', errorSchema: CODED_ERROR });

  const healthDocs = { summary: 'Liveness', access: 'none' as const, responses: { 200: { description: 'The process is up.', schema: Status(['ok']) } } };
  route(ctx.app, 'get', '/healthz', options('GET /healthz', healthDocs), async () => ({ status: 200, body: { status: 'ok' } }));

  // Like the health checks, unauthenticated: scrapers carry no API key, and no series names a job or tenant.
  const metricsDocs = { summary: 'Prometheus metrics', access: 'none' as const, responses: { 200: { description: 'The text exposition format.', contentTypes: ['text/plain; version=0.0.4'] } } };
  route(ctx.app, 'get', '/metrics', options('GET /metrics', metricsDocs), async () => {
    const text = await prometheusText();
    return { status: 200, contentType: 'text/plain; version=0.0.4; charset=utf-8', stream: (async function* () { yield text; })() };
  });

  const Readiness = Type.Composite([
    Status(['ready', 'degraded', 'unavailable', 'draining']),
    Type.Object({
      store: Type.Boolean(),
      redis: Type.Optional(Type.Boolean({ description: 'Cluster mode: whether this node reaches Redis.' })),
      node: Type.Optional(Type.String({ description: 'Cluster mode: this node\'s id.' })),
      degraded: Type.Optional(Type.Array(Type.String(), { description: 'Cluster mode: the parts that are down; the node still serves while only Redis is.' })),
    }),
  ]);
  const readyDocs = {
    summary: 'Readiness',
    description: '503 while the store is unreachable or the server drains for shutdown. In cluster mode a node that lost Redis answers 200 with status degraded.',
    access: 'none' as const,
    responses: { 200: { description: 'Ready.', schema: Readiness }, 503: { description: 'Not ready.', schema: Readiness } },
  };
  route(ctx.app, 'get', '/readyz', options('GET /readyz', readyDocs), async () => {
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

  const JobsPage = Type.Object({ jobs: Type.Array(JobSummary), next_before: Type.Union([Type.String(), Type.Null()]) });
  const jobsDocs = { summary: 'The tenant\'s jobs, newest first', access: 'read' as const, query: jobsQuery, responses: { 200: { description: 'One page.', schema: JobsPage } } };
  route(ctx.app, 'get', '/bridge/v1/jobs', options('GET /bridge/v1/jobs', jobsDocs), async (request, input) => {
    const tenantId = await requireTenant(ctx, request);
    const { limit = 100, before } = input.query();
    const jobs = await ctx.jobs.list(tenantId, { limit, filter: jobFilterOf(request.query), ...(before && { before }) });
    return { status: 200, body: { jobs, next_before: jobs.length === limit ? jobs.at(-1)?.id : null } };
  });

  const jobDocs = { summary: 'A job, problem included', access: 'read' as const, responses: { 200: { description: 'The job.', schema: Job } } };
  route(ctx.app, 'get', '/bridge/v1/jobs/:id', options('GET /bridge/v1/jobs/{id}', jobDocs), async (request) => {
    return { status: 200, body: await requireOwnJob(ctx, request) };
  });

  const EventsPage = Type.Object({ job_id: Type.String(), events: Type.Array(JobEvent), next_after: Type.Union([Type.Integer(), Type.Null()]) });
  const eventsDocs = {
    summary: 'A job\'s recorded events',
    description: 'Canonical ndjson lines are the bytes each event\'s hash covers, raw upstream message included.',
    access: 'read' as const,
    query: eventsQuery([...ctx.encoders.keys()]),
    responses: {
      200: { description: 'A json page; with format=ndjson or csv the whole record, one event per line.', schema: EventsPage, contentTypes: ['application/x-ndjson', 'text/csv'] },
    },
  };
  route(ctx.app, 'get', '/bridge/v1/jobs/:id/events', options('GET /bridge/v1/jobs/{id}/events', eventsDocs), async (request, input) => {
    const job = await requireOwnJob(ctx, request);
    const { after = 0, format = 'json', dialect, limit = MAX_PAGE } = input.query();
    if (dialect !== undefined && format !== 'ndjson') throw invalid('dialect= is only available with format=ndjson');
    if (format === 'csv') return { status: 200, contentType: 'text/csv; charset=utf-8', stream: csv(pagesAhead(ctx.events, job.id, after)) };
    if (format === 'ndjson') {
      const encode = dialect === undefined ? undefined : ctx.encoders.get(dialect);
      // Canonical lines are the audit record, raw upstream message included; dialects and CSV never show it.
      const stream = encode ? ndjson(pagesAhead(ctx.events, job.id, after), encode) : canonicalNdjson(canonicalPagesAhead(ctx.events, job.id, after));
      return { status: 200, contentType: 'application/x-ndjson', stream };
    }
    const events = await ctx.events.read(job.id, after, limit);
    return {
      status: 200,
      body: { job_id: job.id, events, next_after: events.length === limit ? events.at(-1)!.seq : null },
    };
  });

  const auditDocs = {
    summary: 'Verify a job\'s hash chain',
    description: 'hash = sha256(previous hash ‖ canonical event bytes): intact with the head hash, or the first seq that breaks.',
    access: 'read' as const,
    query: auditQuery,
    responses: { 200: { description: 'The verdict.', schema: AuditReport } },
  };
  route(ctx.app, 'get', '/bridge/v1/jobs/:id/audit', options('GET /bridge/v1/jobs/{id}/audit', auditDocs), async (request, input) => {
    const job = await requireOwnJob(ctx, request);
    const { head } = input.query();
    return { status: 200, body: await auditJob(db, job, head?.toLowerCase()) };
  });
}
