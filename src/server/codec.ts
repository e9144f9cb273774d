import type { JobEvent } from '../core/event.js';

type CanonicalKey = keyof JobEvent;

/** Keys never sent to clients: `source` holds the upstream message and the vendor's own ids. */
const PRIVATE_KEYS: ReadonlySet<string> = new Set(['source']);

/**
 * The canonical fields a dialect has no place for, to travel under `x_bridge` instead of being dropped.
 * `seq` always travels, so every client can resume with `after=` / `afterEventId`.
 */
export function leftovers(event: JobEvent, mapped: ReadonlySet<CanonicalKey>): Record<string, unknown> {
  const rest: Record<string, unknown> = { seq: event.seq };
  for (const [key, value] of Object.entries(event)) {
    if (value === undefined || PRIVATE_KEYS.has(key) || mapped.has(key as CanonicalKey)) continue;
    rest[key] = value;
  }
  return rest;
}

/** Drops undefined members so encoded messages carry only what the event has. */
export function compact<T extends Record<string, unknown>>(message: T): T {
  for (const key of Object.keys(message)) if (message[key] === undefined) delete message[key];
  return message;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
