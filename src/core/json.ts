import { invalid } from './errors.js';
import type { JobEvent } from './event.js';

type CanonicalKey = keyof JobEvent;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Drops undefined members so encoded messages carry only what the event has. */
export function compact<T extends Record<string, unknown>>(message: T): T {
  for (const key of Object.keys(message)) if (message[key] === undefined) delete message[key];
  return message;
}

/** Keys never sent to clients: `source` holds the upstream message and the vendor's own ids. */
const PRIVATE_KEYS: ReadonlySet<string> = new Set(['source']);

/**
 * The canonical fields a dialect has no place for, to travel under `x_bridge` instead of being dropped.
 * `seq` always travels, so every client can resume with `after=` / `afterEventId`.
 */
export function leftovers(event: JobEvent, mapped: ReadonlySet<CanonicalKey>): Record<string, unknown> & { seq: number } {
  const rest: Record<string, unknown> & { seq: number } = { seq: event.seq };
  // for…in rather than Object.entries: no array of pairs per message on the replay path. Events are plain
  // objects (parsed or built), so it sees exactly their own keys.
  for (const key in event) {
    const value = event[key as CanonicalKey];
    if (value === undefined || PRIVATE_KEYS.has(key) || mapped.has(key as CanonicalKey)) continue;
    rest[key] = value;
  }
  return rest;
}

/**
 * Splits a bag of named values (metrics, a result's data) into the names a dialect documents and the rest,
 * so documented names land on their own fields and the others travel under `x_bridge`.
 */
export function splitKnown<V>(
  bag: Record<string, V> | undefined,
  names: readonly string[],
): { known: Record<string, V>; rest: Record<string, V> | undefined } {
  const known: Record<string, V> = {};
  const rest: Record<string, V> = {};
  for (const [key, value] of Object.entries(bag ?? {})) {
    if (names.includes(key)) known[key] = value;
    else rest[key] = value;
  }
  return { known, rest: Object.keys(rest).length > 0 ? rest : undefined };
}

/**
 * The bridge's `provider` field of a request body, else the `X-Bridge-Provider` header; `rest` is the body
 * without it, for dialects whose whole body is the vendor's problem.
 */
export function takeProvider(body: Record<string, unknown>, header: string): { provider: string | undefined; rest: Record<string, unknown> } {
  const { provider, ...rest } = body;
  if (provider !== undefined && typeof provider !== 'string') throw invalid('provider must be a string');
  return { provider: provider ?? (header || undefined), rest };
}
