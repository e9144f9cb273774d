import type { Config } from '../config/config.js';
import { BridgeError, notFound } from '../core/errors.js';
import type { Job } from '../core/job.js';
import type { Encoder, Fanout } from '../hub/fanout.js';
import type { JobService } from '../ingest/job-service.js';
import type { EventStore } from '../store/event-store.js';
import type { JobRepository } from '../store/job-repository.js';
import type { KeyScope } from '../store/schema.js';
import { credentialOf, type Authenticator } from './auth.js';
import type { TObject, TSchema } from '@sinclair/typebox';
import type { ErrorBody, RequestInfo, RouteOptions } from './http.js';
import type { RouteDocs, RouteGroup } from './route-registry.js';
import type { Cors } from './cors.js';
import type { SocketState } from './socket-io.js';
import type { SocketCounts } from './socket/socket-counts.js';
import type { TemplatedApp, WebSocket } from './uws.js';

/** Everything a dialect needs to mount its routes. */
export interface ServerContext {
  app: TemplatedApp;
  config: Config;
  auth: Authenticator;
  jobs: JobRepository;
  events: EventStore;
  jobService: JobService;
  fanout: Fanout;
  /** Every dialect's one encoder, by dialect name (exports use them too). */
  encoders: ReadonlyMap<string, Encoder>;
  /** Server errors go here, never to the console. */
  log(line: string): void;
  /** Every client socket open on this server, whatever its dialect: shutdown closes them all. */
  readonly sockets: Set<WebSocket<SocketState>>;
  readonly cors: Cors;
  /** Set when shutdown begins: /readyz answers 503 so a load balancer stops sending. */
  draining: boolean;
  /** Open sockets per key where a dialect limits them; across the whole cluster in cluster mode. */
  readonly socketCounts: SocketCounts;
  /** In cluster mode: whether this node reaches Redis now, for /readyz. */
  readonly redisUp: (() => boolean) | null;
  /** Base URL for links handed to clients (stream_url, ws_url), from config or the request's Host. */
  publicBase(host: string, scheme: 'http' | 'ws'): string;
}

/**
 * The tenant behind an API key; an unknown, revoked, expired or missing key is `unauthorized`, worded as the
 * dialect words it. `write` also needs a key with the write scope: a read key gets `forbidden`.
 */
export async function requireTenantFor(
  ctx: ServerContext,
  credential: string | undefined,
  message = 'invalid or missing API key',
  scope: KeyScope = 'read',
): Promise<string> {
  const grant = await ctx.auth.grantFor(credential);
  if (!grant) throw new BridgeError('unauthorized', message);
  if (scope === 'write' && grant.scope !== 'write') {
    throw new BridgeError('forbidden', 'this API key is read-only: submitting and cancelling need a key with the write scope');
  }
  return grant.tenantId;
}

/** The tenant behind a request's `?token=` or Bearer key; `write` for the routes that submit or cancel. */
export function requireTenant(ctx: ServerContext, request: RequestInfo, scope: KeyScope = 'read'): Promise<string> {
  return requireTenantFor(ctx, credentialOf(request.query, request.header('authorization')), undefined, scope);
}

/** The request's tenant's job named by the route's `:id`; another tenant's job is not found, exactly like an unknown id. */
export async function requireOwnJob(
  ctx: ServerContext,
  request: RequestInfo,
  notFoundError: (id: string) => BridgeError = (id) => notFound(`job ${id}`),
  scope: KeyScope = 'read',
): Promise<Job> {
  const tenantId = await requireTenant(ctx, request, scope);
  const id = request.params[0]!;
  const job = await ctx.jobs.getForTenant(id, tenantId);
  if (!job) throw notFoundError(id);
  return job;
}

/** The options every route of one dialect shares: its error shape, its group in the API documents, the body limit, the logger. */
export function routeOptionsFor(
  ctx: ServerContext,
  errorBody: ErrorBody,
  group?: RouteGroup,
): <B extends TSchema = TSchema, Q extends TObject = TObject>(name: string, docs?: RouteDocs<B, Q>) => RouteOptions<B, Q> {
  // Without docs a route is still listed, from what the registry saw mounted.
  return (name, docs) => ({ errorBody, ...(group && { group }), ...(docs && { docs }), maxBodyBytes: ctx.config.limits.maxHttpBodyBytes, name, log: ctx.log, cors: ctx.cors.headersFor, ...(ctx.config.accessLog && { accessLog: ctx.log }) });
}
