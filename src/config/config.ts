import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isRecord } from '../core/json.js';
import type { ProblemKind } from '../core/problem.js';
import { PROJECT_ROOT } from './paths.js';

export const VENDOR_NAMES = ['nerox', 'jaot', 'matcraft', 'mutagent'] as const;
export type VendorName = (typeof VENDOR_NAMES)[number];

export interface VendorSettings {
  url: string | null;
  /** Only ever read from the environment (`<VENDOR>_API_KEY`). */
  apiKey: string | null;
  /** Optional tuning (backoff, timeouts, keepalive, paths), validated by src/ingest/upstream/settings.ts. */
  [tuning: string]: unknown;
}

export interface Config {
  host: string;
  port: number;
  /** Base URL clients should use in returned `stream_url`s; derived from the request's Host when null. */
  publicUrl: string | null;
  databaseUrl: string | null;
  redisUrl: string | null;
  dataDir: string;
  /** `tenant:key` pairs from BRIDGE_API_KEYS. */
  apiKeys: { tenant: string; key: string }[];
  otlpEndpoint: string | null;
  /** Origins allowed to call the API from a browser page elsewhere; empty: same origin only; `*`: any. */
  corsOrigins: string[];
  /** Guards the admin API (managed keys); from BRIDGE_ADMIN_KEY only. Without it the admin API is off. */
  adminKey: string | null;
  /** One log line per HTTP request and socket upgrade, credentials redacted (BRIDGE_ACCESS_LOG=1). */
  accessLog: boolean;
  /** Seconds SIGTERM/SIGINT give the bridge to close its sockets, flush and stop its jobs before it exits anyway. */
  shutdownTimeoutS: number;
  limits: {
    maxHttpBodyBytes: number;
    maxWsPayloadBytes: number;
    maxWsBackpressureBytes: number;
    maxTspCities: number;
    /** QUBO variables / Max-Cut vertices. */
    maxVariables: number;
    /** QUBO terms / Max-Cut edges. */
    maxTerms: number;
    maxSocketsPerKey: number;
    /** Job submissions a tenant may make a minute (a token bucket: bursts up to the same number). */
    submissionsPerMinute: number;
    /** Built-in jobs one tenant may have running or queued at once. */
    maxActiveBuiltinJobsPerTenant: number;
    /** Events one job may store: past it the job fails with a reason (a runaway upstream cannot fill the disk). */
    maxEventsPerJob: number;
  };
  solver: {
    defaultTimeLimitS: number;
    maxTimeLimitS: number;
    progressIntervalMs: number;
    device: 'auto' | 'gpu' | 'cpu';
  };
  store: { flushIntervalMs: number; maxBatchEvents: number; concurrency: number };
  /** Used when REDIS_URL is set (several nodes on one Postgres and one Redis); see README "Running a cluster". */
  cluster: {
    /** This node's name in leases, job records and metrics; unique per running node. */
    nodeId: string;
    /** A dead node's jobs are taken over this long after its last lease renewal. */
    leaseTtlMs: number;
  };
  providers: Record<VendorName, VendorSettings>;
  routing: Record<ProblemKind, string>;
}

/** Start-up stops with this: one line naming the setting and what is wrong with it. */
export class ConfigError extends Error {
  constructor(setting: string, problem: string) {
    super(`invalid setting ${setting}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;
type Json = Record<string, unknown>;

const DEFAULT_FILE = join(PROJECT_ROOT, 'config', 'default.json');

function readJson(path: string | URL, setting: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(setting, `cannot read ${String(path)}: ${(error as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isRecord(parsed)) throw new Error('not a JSON object');
    return parsed;
  } catch (error) {
    throw new ConfigError(setting, `${String(path)} is not valid JSON: ${(error as Error).message}`);
  }
}


function merge(base: Json, override: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isRecord(current) && isRecord(value) ? merge(current, value) : value;
  }
  return out;
}

function section(root: Json, key: string): Json {
  const value = root[key];
  if (!isRecord(value)) throw new ConfigError(key, 'must be an object');
  return value;
}

function integer(value: unknown, setting: string, min: number, max: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(setting, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function text(value: unknown, setting: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(setting, `must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function optionalUrl(value: unknown, setting: string, protocols: string[]): string | null {
  if (value === null || value === undefined || value === '') return null;
  const raw = text(value, setting);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(setting, `must be a URL, got ${JSON.stringify(raw)}`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(setting, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw.replace(/\/+$/, '');
}

function parseApiKeys(raw: string | undefined): { tenant: string; key: string }[] {
  if (!raw || raw.trim() === '') return [];
  return raw.split(',').map((pair, index) => {
    const separator = pair.indexOf(':');
    const tenant = pair.slice(0, separator).trim();
    const key = pair.slice(separator + 1).trim();
    if (separator <= 0 || tenant === '' || key.length < 8) {
      throw new ConfigError('BRIDGE_API_KEYS', `entry ${index + 1} must be "tenant:key" with a key of 8 or more characters`);
    }
    return { tenant, key };
  });
}

/** Environment variables that override file settings; secrets come only from here. */
const ENV_OVERRIDES: [string, string[]][] = [
  ['HOST', ['host']],
  ['PORT', ['port']],
  ['PUBLIC_URL', ['publicUrl']],
  ['BRIDGE_DATA_DIR', ['dataDir']],
  ['SOLVER_DEVICE', ['solver', 'device']],
  ['BRIDGE_SHUTDOWN_TIMEOUT_S', ['shutdownTimeoutS']],
  ['BRIDGE_NODE_ID', ['cluster', 'nodeId']],
  ['BRIDGE_LEASE_TTL_MS', ['cluster', 'leaseTtlMs']],
  ...VENDOR_NAMES.map((name): [string, string[]] => [`${name.toUpperCase()}_URL`, ['providers', name, 'url']]),
];

/** `https://a.example,https://b.example`, `*`, or a list in a config file; each an origin (scheme, host, port). */
function corsOrigins(value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(',').map((o) => o.trim()).filter((o) => o !== '') : value;
  if (!Array.isArray(list) || !list.every((o) => typeof o === 'string')) throw new ConfigError('BRIDGE_CORS_ORIGINS', 'must be a comma-separated list of origins, or *');
  for (const origin of list) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) throw new ConfigError('BRIDGE_CORS_ORIGINS', `"${origin}" is not an origin like https://app.example.com`);
  }
  return list;
}

export function loadConfig(env: Env = process.env): Config {
  let raw = readJson(DEFAULT_FILE, 'config/default.json');
  if (env.BRIDGE_CONFIG) raw = merge(raw, readJson(env.BRIDGE_CONFIG, 'BRIDGE_CONFIG'));
  for (const [variable, path] of ENV_OVERRIDES) {
    const value = env[variable];
    if (value === undefined) continue;
    let target = raw;
    for (const key of path.slice(0, -1)) target = section(target, key);
    target[path[path.length - 1]!] = value;
  }

  const limits = section(raw, 'limits');
  const solver = section(raw, 'solver');
  const store = section(raw, 'store');
  const cluster = section(raw, 'cluster');
  const providers = section(raw, 'providers');
  const routing = section(raw, 'routing');
  const device = solver.device;
  if (device !== 'auto' && device !== 'gpu' && device !== 'cpu') {
    throw new ConfigError('SOLVER_DEVICE', `must be auto, gpu or cpu, got ${JSON.stringify(device)}`);
  }

  return {
    host: text(raw.host, 'HOST'),
    port: integer(raw.port, 'PORT', 0, 65535),
    publicUrl: optionalUrl(raw.publicUrl, 'PUBLIC_URL', ['http:', 'https:']),
    databaseUrl: optionalUrl(env.DATABASE_URL, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: optionalUrl(env.REDIS_URL, 'REDIS_URL', ['redis:', 'rediss:']),
    dataDir: text(raw.dataDir, 'BRIDGE_DATA_DIR'),
    apiKeys: parseApiKeys(env.BRIDGE_API_KEYS),
    otlpEndpoint: optionalUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']),
    corsOrigins: corsOrigins(env.BRIDGE_CORS_ORIGINS ?? raw.corsOrigins),
    adminKey: env.BRIDGE_ADMIN_KEY && env.BRIDGE_ADMIN_KEY.trim() !== '' ? env.BRIDGE_ADMIN_KEY : null,
    accessLog: ['1', 'true', 'yes'].includes((env.BRIDGE_ACCESS_LOG ?? '').toLowerCase()),
    shutdownTimeoutS: integer(raw.shutdownTimeoutS, 'BRIDGE_SHUTDOWN_TIMEOUT_S', 1, 3_600),
    limits: {
      maxHttpBodyBytes: integer(limits.maxHttpBodyBytes, 'limits.maxHttpBodyBytes', 1024, 1 << 30),
      maxWsPayloadBytes: integer(limits.maxWsPayloadBytes, 'limits.maxWsPayloadBytes', 128, 1 << 26),
      maxWsBackpressureBytes: integer(limits.maxWsBackpressureBytes, 'limits.maxWsBackpressureBytes', 1024, 1 << 30),
      maxTspCities: integer(limits.maxTspCities, 'limits.maxTspCities', 2, 100_000),
      maxVariables: integer(limits.maxVariables, 'limits.maxVariables', 2, 10_000_000),
      maxTerms: integer(limits.maxTerms, 'limits.maxTerms', 1, 100_000_000),
      maxSocketsPerKey: integer(limits.maxSocketsPerKey, 'limits.maxSocketsPerKey', 1, 100_000),
      submissionsPerMinute: integer(limits.submissionsPerMinute, 'limits.submissionsPerMinute', 1, 1_000_000),
      maxActiveBuiltinJobsPerTenant: integer(limits.maxActiveBuiltinJobsPerTenant, 'limits.maxActiveBuiltinJobsPerTenant', 1, 1_000_000),
      maxEventsPerJob: integer(limits.maxEventsPerJob, 'limits.maxEventsPerJob', 10, 1_000_000_000),
    },
    solver: {
      defaultTimeLimitS: integer(solver.defaultTimeLimitS, 'solver.defaultTimeLimitS', 1, 86_400),
      maxTimeLimitS: integer(solver.maxTimeLimitS, 'solver.maxTimeLimitS', 1, 86_400),
      progressIntervalMs: integer(solver.progressIntervalMs, 'solver.progressIntervalMs', 10, 60_000),
      device,
    },
    store: {
      flushIntervalMs: integer(store.flushIntervalMs, 'store.flushIntervalMs', 0, 10_000),
      maxBatchEvents: integer(store.maxBatchEvents, 'store.maxBatchEvents', 1, 100_000),
      concurrency: integer(store.concurrency, 'store.concurrency', 1, 32),
    },
    cluster: {
      nodeId: cluster.nodeId === null || cluster.nodeId === undefined ? `${hostname()}-${process.pid}` : text(cluster.nodeId, 'BRIDGE_NODE_ID'),
      leaseTtlMs: integer(cluster.leaseTtlMs, 'BRIDGE_LEASE_TTL_MS', 500, 600_000),
    },
    providers: Object.fromEntries(
      VENDOR_NAMES.map((name) => {
        const settings = isRecord(providers[name]) ? (providers[name] as Json) : {};
        const key = env[`${name.toUpperCase()}_API_KEY`];
        if ('apiKey' in settings) throw new ConfigError(`providers.${name}.apiKey`, `keys come only from ${name.toUpperCase()}_API_KEY in the environment`);
        return [
          name,
          {
            ...settings,
            url: optionalUrl(settings.url, `${name.toUpperCase()}_URL`, ['http:', 'https:']),
            apiKey: key && key.trim() !== '' ? key : null,
          },
        ];
      }),
    ) as Record<VendorName, VendorSettings>,
    routing: Object.fromEntries(
      (['tsp', 'qubo', 'ising', 'maxcut', 'lp', 'campaign', 'prompt'] as const).map((kind) => [
        kind,
        text(routing[kind], `routing.${kind}`),
      ]),
    ) as Record<ProblemKind, string>,
  };
}
