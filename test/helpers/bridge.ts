import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  options: { env?: Record<string, string>; spanProcessors?: SpanProcessor[]; configure?: (config: Config) => void; dialects?: readonly Dialect[] } = {},
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
  const bridge = await startBridge(config, { spanProcessors: options.spanProcessors ?? [], log: () => {}, ...(options.dialects && { dialects: options.dialects }) });
  return {
    bridge,
    http: `http://127.0.0.1:${bridge.port}`,
    ws: `ws://127.0.0.1:${bridge.port}`,
    close: () => bridge.close(),
  };
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
