import type { Config } from '../config/config.js';
import { BridgeError } from '../core/errors.js';
import type { Encoder, Fanout } from '../hub/fanout.js';
import type { JobService } from '../ingest/job-service.js';
import type { EventStore } from '../store/event-store.js';
import type { JobRepository } from '../store/job-repository.js';
import { credentialOf, type Authenticator } from './auth.js';
import type { RequestInfo } from './http.js';
import type { TemplatedApp } from './uws.js';

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
