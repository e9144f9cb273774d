import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { loadConfig, type Config } from '../../src/config/config.js';
import { startBridge, type Bridge } from '../../src/bridge.js';
import type { Dialect } from '../../src/server/dialect.js';
import { freshPostgresDatabase } from './services.js';

export type StoreKind = 'postgres' | 'pglite';
export const STORES: StoreKind[] = ['postgres', 'pglite'];

export const TENANT_KEYS = { acme: 'acme-key-0123456789', globex: 'globex-key-0123456789' } as const;

export interface StoreHandle {
  kind: StoreKind;
  env: Record<string, string>;
  dispose(): Promise<void>;
}

/** A store that outlives bridge restarts within one test. */
export async function openTestStore(kind: StoreKind): Promise<StoreHandle> {
  if (kind === 'postgres') {
    const { url, drop } = await freshPostgresDatabase();
    return { kind, env: { DATABASE_URL: url }, dispose: drop };
  }
  const dir = mkdtempSync(join(tmpdir(), 'optbridge-pglite-'));
  return { kind, env: { BRIDGE_DATA_DIR: dir }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestBridge {
  bridge: Bridge;
  http: string;
  ws: string;
  close(): Promise<void>;
}

export async function startTestBridge(
  store: StoreHandle,
  options: { env?: Record<string, string>; spanProcessors?: SpanProcessor[]; configure?: (config: Config) => void; dialects?: readonly Dialect[]; log?: (line: string) => void } = {},
): Promise<TestBridge> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    BRIDGE_API_KEYS: `acme:${TENANT_KEYS.acme},globex:${TENANT_KEYS.globex}`,
    ...store.env,
    ...options.env,
  });
  config.solver.progressIntervalMs = 100;
  options.configure?.(config);
  const bridge = await startBridge(config, { spanProcessors: options.spanProcessors ?? [], log: options.log ?? (() => {}), ...(options.dialects && { dialects: options.dialects }) });
  return {
    bridge,
    http: `http://127.0.0.1:${bridge.port}`,
    ws: `ws://127.0.0.1:${bridge.port}`,
    close: () => bridge.close(),
  };
}

/** What a suite's hooks set up: read its fields inside tests, once `before` has run. */
export interface BridgeSuite {
  store: StoreHandle;
  bridge: TestBridge;
}

/** Registers hooks in the calling `describe` that open a store and a bridge before its tests and close both after. */
export function useTestBridge(kind: StoreKind = 'postgres', options: Parameters<typeof startTestBridge>[1] = {}): BridgeSuite {
  const suite = {} as BridgeSuite;
  before(async () => {
    suite.store = await openTestStore(kind);
    suite.bridge = await startTestBridge(suite.store, options);
  });
  after(async () => {
    await suite.bridge.close();
    await suite.store.dispose();
  });
  return suite;
}

export async function api(
  base: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  const response = await fetch(base + path, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Any job works on any dialect: without the vendor's own upstream, a TSP through the Nerox route is the job to
 * watch. The seed keeps each suite's run the same from one test run to the next.
 */
export async function submitTsp(bridge: TestBridge, timeLimitS: number, seed: number, key: string = TENANT_KEYS.acme): Promise<string> {
  const coordinates = Array.from({ length: 12 }, (_, i) => [Math.cos(i) * 10 + i, Math.sin(i * 2) * 10]);
  const response = await api(bridge.http, 'POST', '/v1/optimize/tsp', { key, body: { coordinates, time_limit_s: timeLimitS, seed } });
  if (response.status !== 202) throw new Error(`submitting a TSP answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.job_id;
}
