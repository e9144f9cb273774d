import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { builtinProvider } from '../adapters/builtin/provider.js';
import { DIALECTS } from '../adapters/index.js';
import { jaotProvider } from '../adapters/jaot/provider.js';
import { matcraftProvider } from '../adapters/matcraft/provider.js';
import { mutagentProvider } from '../adapters/mutagent/provider.js';
import { neroxProvider } from '../adapters/nerox/provider.js';
import { VENDOR_NAMES, type Config, type VendorName } from './config/config.js';
import { probeDevice } from './solver/gpu/adapter-probe.js';
import { SOLVER_THREADS } from './solver/index.js';
import type { Provider } from './core/provider.js';
import { LocalHub, type Hub } from './hub/hub.js';
import { RedisLeases } from './hub/leases.js';
import { RedisHub } from './hub/redis-hub.js';
import { RedisSocketCounts } from './hub/redis-socket-counts.js';
import { LocalSocketCounts } from './server/socket/socket-counts.js';
import { connectRedis, type RedisLink } from './hub/redis-link.js';
import { ClusterScheduler } from './ingest/cluster-scheduler.js';
import { JobService } from './ingest/job-service.js';
import { upstreamSettings, type UpstreamSettings } from './ingest/upstream/settings.js';
import { Authenticator } from './server/auth.js';
import type { Dialect } from './server/dialect.js';
import { startServer, type RunningServer } from './server/app.js';
import { loadNativeUws } from './server/uws.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from './store/database.js';
import { EventStore } from './store/event-store.js';
import { EventWriter } from './store/event-writer.js';
import { JobRepository } from './store/job-repository.js';
import { newApiKey, TenantRepository } from './store/tenant-repository.js';
import { setupTracing, type Telemetry } from './telemetry/tracing.js';

export interface Bridge {
  port: number;
  config: Config;
  database: DatabaseHandle;
  /** The node's event store: its query count tells how many reads sockets shared. */
  events: EventStore;
  jobService: JobService;
  server: RunningServer;
  /** A key created on first start because none was configured; shown once. */
  createdApiKey: string | null;
  close(): Promise<void>;
}

export interface BridgeOptions {
  /** Extra span processors (tests use the in-memory exporter). */
  spanProcessors?: SpanProcessor[];
  log?: (line: string) => void;
  /** The client-facing dialects to serve; every one in `adapters/` unless a test picks its own. */
  dialects?: readonly Dialect[];
}

/** Keys from BRIDGE_API_KEYS are upserted; with none configured and none stored, one is created. */
async function ensureApiKeys(config: Config, tenants: TenantRepository): Promise<string | null> {
  for (const { tenant, key } of config.apiKeys) await tenants.addKey(tenant, key, 'BRIDGE_API_KEYS');
  if (config.apiKeys.length > 0 || (await tenants.keyCount()) > 0) return null;
  const key = newApiKey();
  await tenants.addKey('default', key, 'created on first start');
  return key;
}

const VENDOR_PROVIDERS: Record<VendorName, (settings: UpstreamSettings) => Provider> = {
  nerox: neroxProvider,
  jaot: jaotProvider,
  matcraft: matcraftProvider,
  mutagent: mutagentProvider,
};

function providers(config: Config): { available: Map<string, Provider>; unconfigured: Map<string, string> } {
  const available = new Map<string, Provider>();
  available.set('builtin', builtinProvider({ ...config.solver, autoDevice: async () => (await probeDevice()).device }));
  const unconfigured = new Map<string, string>();
  for (const vendor of VENDOR_NAMES) {
    const settings = upstreamSettings(vendor, config.providers[vendor]);
    if (settings) {
      available.set(vendor, VENDOR_PROVIDERS[vendor](settings));
      continue;
    }
    const upper = vendor.toUpperCase();
    unconfigured.set(vendor, `provider "${vendor}" is not configured: set ${upper}_URL and ${upper}_API_KEY`);
  }
  return { available, unconfigured };
}

/** The composition root: the only module that knows every part. */
export async function startBridge(config: Config, options: BridgeOptions = {}): Promise<Bridge> {
  const log = options.log ?? ((line: string) => console.log(line));
  // Before the store is opened or a key created: a bridge that cannot serve must leave nothing behind.
  const uws = loadNativeUws();
  const telemetry: Telemetry = setupTracing({ otlpEndpoint: config.otlpEndpoint, processors: options.spanProcessors ?? [] });
  const database = await openDatabase(config, (error) => log(`postgres connection lost, reconnecting on next use: ${error.message}`));
  try {
    await migrateToLatest(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  const tenants = new TenantRepository(database.db);
  const createdApiKey = await ensureApiKeys(config, tenants);
  const jobs = new JobRepository(database.db);
  const events = new EventStore(database.db, database.copyPool);
  const writer = new EventWriter(events, {
    ...config.store,
    onError: (error, attempt) => log(`store flush failed (attempt ${attempt}), retrying: ${(error as Error).message}`),
    onQuarantine: (jobId, seq, error) => log(`store refused event ${seq} of job ${jobId} for good (${error.message}): quarantined, job failed`),
  });
  const { nodeId, leaseTtlMs } = config.cluster;
  let redis: RedisLink | null = null;
  let hub: Hub = new LocalHub();
  let leases: RedisLeases | undefined;
  let cluster: ConstructorParameters<typeof JobService>[0]['cluster'];
  let socketCounts: RedisSocketCounts | undefined;
  if (config.redisUrl) {
    redis = await connectRedis(config.redisUrl, log);
    const redisHub = new RedisHub({
      publisher: redis.commands,
      subscriber: redis.subscriber,
      nodeId,
      missed: (jobId, afterSeq, limit) => events.read(jobId, afterSeq, limit),
      lastSeqs: (jobIds) => jobs.lastSeqs(jobIds),
      log,
    });
    await redisHub.start();
    hub = redisHub;
    leases = new RedisLeases(redis.commands, nodeId, leaseTtlMs, log);
    const local = new LocalSocketCounts();
    socketCounts = new RedisSocketCounts(redis.commands, nodeId, leaseTtlMs, (id, limit) => local.takeNow(id, limit));
    cluster = { leases, signal: (signal) => redisHub.signal(signal), onSignal: (listener) => redisHub.onSignal(listener) };
  }
  const { available, unconfigured } = providers(config);
  const jobService = new JobService({
    jobs,
    store: events,
    writer,
    hub,
    providers: available,
    unconfigured,
    routing: config.routing,
    quotas: config.limits,
    nodeId,
    ...(cluster && { cluster }),
    log,
  });
  const upSince = redis ? redis.upSince : () => null;
  const scheduler = leases && new ClusterScheduler({ jobService, jobs, leases, solverThreads: SOLVER_THREADS, redisUpSince: upSince, log });
  const server = await startServer({
    uws,
    config,
    db: database.db,
    auth: new Authenticator((key) => tenants.grantFor(key)),
    tenants,
    jobs,
    events,
    jobService,
    hub,
    dialects: options.dialects ?? DIALECTS,
    log,
    ...(redis && socketCounts && { cluster: { socketCounts, redisUp: () => upSince() !== null } }),
  });
  if (config.solver.device === 'auto') {
    void probeDevice().then(({ device, reason, dawnMessages }) => {
      for (const message of dawnMessages) log(`WebGPU (Dawn): ${message}`);
      log(`built-in solver: SOLVER_DEVICE=auto runs on the ${device === 'gpu' ? 'GPU' : 'CPU path'}: ${reason}`);
    });
  }
  const resumed = scheduler ? 0 : await jobService.resumeUnfinished();
  scheduler?.kick();
  const mode = redis ? `, cluster node ${nodeId} on ${config.redisUrl}` : '';
  log(`optbridge listening on ${config.host}:${server.port} (store ${database.description}${mode}${resumed ? `, resumed ${resumed} jobs` : ''})`);
  if (createdApiKey) {
    log(`created API key for tenant "default" (shown once; set BRIDGE_API_KEYS to choose your own): ${createdApiKey}`);
  }

  return {
    port: server.port,
    config,
    database,
    events,
    jobService,
    server,
    createdApiKey,
    async close() {
      server.drain('server shutting down; reconnect with your last seq');
      await scheduler?.close();
      await jobService.shutdown();
      await writer.close();
      server.close();
      await hub.close();
      leases?.close();
      socketCounts?.close();
      await redis?.close();
      await database.close();
      await telemetry.shutdown();
    },
  };
}
