import { ConfigError, type VendorSettings } from '../../config/config.js';

/** How a provider paces and bounds its talk with a vendor. Defaults follow the vendor docs where they say. */
export interface UpstreamTuning {
  /** First reconnect / retry ceiling; doubles per consecutive failure up to `backoffMaxMs`. */
  backoffInitialMs: number;
  /** JAOT's doc caps its own reconnect backoff at 30 s. */
  backoffMaxMs: number;
  /** One HTTP request or WebSocket handshake. */
  requestTimeoutMs: number;
  /** A vendor unreachable this long fails the job (creation, or a stream that cannot be reopened). */
  giveUpAfterMs: number;
  /** JAOT and Mutagent ask for a ping every 30 s. */
  keepaliveMs: number;
  /** JAOT's HTTP polling fallback; its doc recommends 2–5 s. */
  pollIntervalMs: number;
  /** Consecutive failed stream connections before JAOT falls back to polling (its doc's example uses 3). */
  failuresBeforePolling: number;
  /** Overrides of the vendor's path templates by name (`create`, `cancel`, `status`, `stream`). */
  paths: Record<string, string>;
}

export interface UpstreamSettings extends UpstreamTuning {
  url: string;
  apiKey: string;
}

export const DEFAULT_TUNING: Readonly<UpstreamTuning> = {
  backoffInitialMs: 250,
  backoffMaxMs: 30_000,
  requestTimeoutMs: 10_000,
  giveUpAfterMs: 300_000,
  keepaliveMs: 30_000,
  pollIntervalMs: 3_000,
  failuresBeforePolling: 3,
  paths: {},
};

const NUMERIC = Object.keys(DEFAULT_TUNING).filter((key) => key !== 'paths') as Exclude<keyof UpstreamTuning, 'paths'>[];

/**
 * A vendor's settings, or undefined while its URL or key is missing. `providers.<vendor>` may carry the tuning
 * fields beside `url` (tests set them through startTestBridge's `configure`); each is checked like any setting.
 */
export function upstreamSettings(vendor: string, settings: VendorSettings): UpstreamSettings | undefined {
  if (!settings.url || !settings.apiKey) return undefined;
  const given = settings as VendorSettings & Partial<Record<keyof UpstreamTuning, unknown>>;
  const resolved: UpstreamSettings = { ...DEFAULT_TUNING, url: settings.url, apiKey: settings.apiKey };
  for (const key of NUMERIC) {
    const value = given[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new ConfigError(`providers.${vendor}.${key}`, `must be a positive integer, got ${JSON.stringify(value)}`);
    }
    resolved[key] = value;
  }
  if (given.paths !== undefined) resolved.paths = pathOverrides(vendor, given.paths);
  return resolved;
}

function pathOverrides(vendor: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`providers.${vendor}.paths`, 'must be an object of path templates');
  }
  for (const [name, template] of Object.entries(value)) {
    if (typeof template !== 'string' || !template.startsWith('/')) {
      throw new ConfigError(`providers.${vendor}.paths.${name}`, `must be a path starting with "/", got ${JSON.stringify(template)}`);
    }
  }
  return value as Record<string, string>;
}
