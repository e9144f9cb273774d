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

/** The tenant behind a request's API key; another tenant's or a missing key is 401 in every dialect. */
export async function requireTenant(ctx: ServerContext, request: RequestInfo): Promise<string> {
  const tenant = await ctx.auth.tenantFor(credentialOf(request.query, request.header('authorization')));
  if (!tenant) throw new BridgeError('unauthorized', 'invalid or missing API key');
  return tenant;
}
