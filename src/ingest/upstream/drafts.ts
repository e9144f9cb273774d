import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical.js';
import type { EventDraft, Solution } from '../../core/event.js';
import { isRecord } from '../../core/json.js';
import { UpstreamError } from './errors.js';

/** Readers for vendor JSON: a field of the wrong type reads as absent rather than poisoning the event. */
export const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
export const record = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});

/** Source time when the vendor gives a parseable one, else the time the bridge received the message. */
export function timeOf(value: unknown): string {
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
  return new Date().toISOString();
}

/** The finite numbers of a map, under `prefix` + name; undefined when there are none. */
export function numbers(value: unknown, prefix = ''): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const [name, item] of Object.entries(record(value))) {
    const n = num(item);
    if (n !== undefined) out[prefix + name] = n;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function solution(value: unknown): Solution | undefined {
  if (Array.isArray(value)) return value.every((x) => num(x) !== undefined) ? (value as number[]) : undefined;
  return numbers(value);
}

/** Identity of a message that has no id of its own: the same bytes resent after a resume give the same key. */
export function contentKey(message: unknown): string {
  return createHash('sha256').update(canonicalJson(message)).digest('base64url');
}

/** The vendor's id for a job it just created, from the first of `fields` the answer has. */
export function idFrom(provider: string, body: unknown, ...fields: string[]): string {
  for (const field of fields) {
    const value = record(body)[field];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  throw new UpstreamError('upstream_error', `${provider} accepted the job but its answer has no ${fields.join(' or ')}`);
}

function sourceOf(provider: string, raw: unknown): EventDraft['source'] {
  return raw === undefined ? { provider } : { provider, raw };
}

/** Something the bridge received and could not use: recorded, never fatal. */
export function warning(provider: string, message: string, raw?: unknown): EventDraft {
  return { type: 'warning', at: new Date().toISOString(), message, source: sourceOf(provider, raw) };
}

export function unknownType(provider: string, message: Record<string, unknown>, type: unknown = message.type): EventDraft {
  return warning(provider, `${provider} sent a message of undocumented type ${JSON.stringify(type)}; recorded and ignored`, message);
}

export function foreign(provider: string, message: Record<string, unknown>, id: unknown): EventDraft {
  return warning(provider, `${provider} sent an event for another job (${String(id)}); dropped`, message);
}

/** Messages the vendor sent and the bridge never saw, as far as the bridge can tell. */
export function gap(provider: string, message: string): EventDraft {
  return { type: 'gap', at: new Date().toISOString(), message, source: { provider } };
}

export function failed(provider: string, code: string, message: string, raw?: unknown): EventDraft {
  return { type: 'failed', at: new Date().toISOString(), error: { code, message }, source: sourceOf(provider, raw) };
}
