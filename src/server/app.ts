import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import { BridgeError } from '../core/errors.js';
import { Fanout, type Encoder } from '../hub/fanout.js';
import type { Hub } from '../hub/hub.js';
import type { JobService } from '../ingest/job-service.js';
import type { EventStore } from '../store/event-store.js';
import type { JobRepository } from '../store/job-repository.js';
import type { Database } from '../store/schema.js';
import type { TenantRepository } from '../store/tenant-repository.js';
import type { Authenticator } from './auth.js';
import { mountAdminRoutes } from './admin-routes.js';
import { corsPolicy } from './cors.js';
import { mountBridgeRoutes } from './bridge-routes.js';
import { mountDashboardRoutes } from './dashboard-routes.js';
import { mountSeriesRoutes } from './series-routes.js';
import type { ServerContext } from './context.js';
import type { Dialect } from './dialect.js';
import { LocalSocketCounts, type SocketCounts } from './socket/socket-counts.js';
import { mountApiDocs } from './api-docs/routes.js';
import { allowedMethods, writeJson } from './http.js';
import { recordingApp, registryOf, type RouteRegistry } from './route-registry.js';
import { sweepSockets } from './socket/sweep.js';
import { endWith } from './socket-io.js';
import type { NativeUws, us_listen_socket } from './uws.js';

/** A DNS name, IPv4 address or bracketed IPv6 address, with an optional port. */
const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export interface ServerDeps {
  /** The native uWebSockets.js module, already checked by loadNativeUws. */
  uws: NativeUws;
  config: Config;
  db: Kysely<Database>;
  auth: Authenticator;
  jobs: JobRepository;
  events: EventStore;
  jobService: JobService;
  hub: Hub;
  dialects: readonly Dialect[];
  tenants: TenantRepository;
  log(line: string): void;
  /** Cluster mode: the key socket limits counted across nodes, and whether Redis answers. */
  cluster?: { socketCounts: SocketCounts; redisUp(): boolean };
}

export interface RunningServer {
  port: number;
  fanout: Fanout;
  /** Every route mounted, as the API documents list them. */
  routes: RouteRegistry;
  /**
   * The first step of a graceful shutdown: /readyz turns 503, the listen socket closes (new connections are
   * refused), and every open client socket is closed with 1001 and a reason, so clients know to reconnect
   * (with their last seq) rather than take it for a crash.
   */
  drain(reason: string): void;
  close(): void;
}

export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  const { uws } = deps;
  const bare = uws.App();
  // The server's parts mount on the recording app, so the API documents list everything mounted; publishing,
  // the hot path, goes to the bare app.
  const app = recordingApp(bare);
  const encoders = new Map<string, Encoder>(deps.dialects.map((d) => [d.name, d.encode]));
  const fanout = new Fanout(
    { publish: (topic, message) => void bare.publish(topic, message), subscriberCount: (topic) => bare.numSubscribers(topic) },
    encoders,
  );
  const unsubscribe = deps.hub.subscribe((event) => fanout.deliver(event));

  const { config } = deps;
  const ctx: ServerContext = {
    app,
    config,
    auth: deps.auth,
    jobs: deps.jobs,
    events: deps.events,
    jobService: deps.jobService,
    fanout,
    encoders,
    log: deps.log,
    sockets: new Set(),
    cors: corsPolicy(config.corsOrigins),
    draining: false,
    socketCounts: deps.cluster?.socketCounts ?? new LocalSocketCounts(),
    redisUp: deps.cluster?.redisUp ?? null,
    publicBase(host, scheme) {
      // The Host header goes into the links a client follows: anything but a plain host[:port] is not trusted.
      const base = config.publicUrl ?? `http://${HOST_HEADER.test(host) ? host : `localhost:${config.port}`}`;
      return scheme === 'ws' ? base.replace(/^http/, 'ws') : base;
    },
  };

  mountBridgeRoutes(ctx, deps.db);
  mountSeriesRoutes(ctx, deps.db);
  mountAdminRoutes(ctx, deps.tenants, config.adminKey);
  mountDashboardRoutes(app);
  const stopSweeping = sweepSockets(ctx);
  for (const dialect of deps.dialects) dialect.mount(ctx);
  mountApiDocs(ctx);
  registryOf(app).describe('options', '/*', { docs: { summary: 'CORS preflight: 204 with the allowed origin\'s headers, 403 for any other origin', access: 'none', responses: {} } });
  app.options('/*', (res, req) => {
    res.onAborted(() => {});
    const preflight = ctx.cors.preflightFor(req.getHeader('origin'));
    res.cork(() => {
      res.writeStatus(preflight ? '204 No Content' : '403 Forbidden');
      for (const [name, value] of Object.entries(preflight ?? {})) res.writeHeader(name, value);
      res.end();
    });
  });
  registryOf(app).describe('any', '/*', {
    docs: { summary: 'Anything else: 405 with Allow for a known path asked with another method, else 404, in the error shape of the dialect whose path it is', access: 'none', responses: {} },
  });
  app.any('/*', (res, req) => {
    res.onAborted(() => {});
    const path = req.getUrl();
    const method = req.getMethod().toUpperCase();
    const allowed = allowedMethods(app, path);
    const error =
      allowed.length > 0
        ? new BridgeError('method_not_allowed', `${path} takes ${allowed.join(' or ')}, not ${method}`)
        : new BridgeError('not_found', `no route for ${method} ${path}`);
    const dialect = deps.dialects.find((d) => d.pathPrefixes.some((prefix) => path.startsWith(prefix)));
    writeJson(res, {
      status: error.status,
      body: dialect ? dialect.errorBody(error) : { error: { code: error.code, message: error.message } },
      ...(allowed.length > 0 && { headers: { allow: allowed.join(', ') } }),
    });
  });

  const listenSocket = await new Promise<us_listen_socket>((resolve, reject) => {
    app.listen(config.host, config.port, (socket) => {
      if (socket) resolve(socket);
      else reject(new Error(`cannot listen on ${config.host}:${config.port}`));
    });
  });
  return {
    port: uws.us_socket_local_port(listenSocket),
    fanout,
    routes: registryOf(app),
    drain(reason) {
      if (ctx.draining) return;
      ctx.draining = true;
      uws.us_listen_socket_close(listenSocket);
      for (const ws of [...ctx.sockets]) endWith(ws, null, 1001, reason);
    },
    close() {
      unsubscribe();
      stopSweeping();
      if (!ctx.draining) uws.us_listen_socket_close(listenSocket);
      // Also drops open sockets; the installed uWS has App.close although its typings predate it.
      (bare as unknown as { close(): void }).close();
    },
  };
}
