import type { Config } from '../config/config.js';
import { BridgeError, notFound } from '../core/errors.js';
import type { Job } from '../core/job.js';
import type { Encoder, Fanout } from '../hub/fanout.js';
import type { JobService } from '../ingest/job-service.js';
import type { EventStore } from '../store/event-store.js';
import type { JobRepository } from '../store/job-repository.js';
import { credentialOf, type Authenticator } from './auth.js';
import type { ErrorBody, RequestInfo, RouteOptions } from './http.js';
import type { SocketState } from './socket-io.js';
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
  /** Set when shutdown begins: /readyz answers 503 so a load balancer stops sending. */
  draining: boolean;
  /** Base URL for links handed to clients (stream_url, ws_url), from config or the request's Host. */
  publicBase(host: string, scheme: 'http' | 'ws'): string;
}

/** The tenant behind an API key; an unknown or missing key is `unauthorized`, worded as the dialect words it. */
export async function requireTenantFor(
  ctx: ServerContext,
  credential: string | undefined,
  message = 'invalid or missing API key',
): Promise<string> {
  const tenant = await ctx.auth.tenantFor(credential);
  if (!tenant) throw new BridgeError('unauthorized', message);
  return tenant;
}

/** The tenant behind a request's `?token=` or Bearer key. */
export function requireTenant(ctx: ServerContext, request: RequestInfo): Promise<string> {
  return requireTenantFor(ctx, credentialOf(request.query, request.header('authorization')));
}

/** The request's tenant's job named by the route's `:id`; another tenant's job is not found, exactly like an unknown id. */
export async function requireOwnJob(
  ctx: ServerContext,
  request: RequestInfo,
  notFoundError: (id: string) => BridgeError = (id) => notFound(`job ${id}`),
): Promise<Job> {
  const tenantId = await requireTenant(ctx, request);
  const id = request.params[0]!;
  const job = await ctx.jobs.getForTenant(id, tenantId);
  if (!job) throw notFoundError(id);
  return job;
}

/** The options every route of one dialect shares: its error shape, the body limit, the logger. */
export function routeOptionsFor(ctx: ServerContext, errorBody: ErrorBody): (name: string) => RouteOptions {
  return (name) => ({ errorBody, maxBodyBytes: ctx.config.limits.maxHttpBodyBytes, name, log: ctx.log });
}
