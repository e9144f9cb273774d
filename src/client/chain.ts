import { canonicalJson } from '../core/canonical.js';
import type { JobEvent } from './types.js';

const encoder = new TextEncoder();

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `sha256(previous hash ‖ canonical JSON of the event)`, the ingest's chain step, with WebCrypto (Node 20 and browsers). */
export async function chainStep(previousHash: string, event: JobEvent): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', encoder.encode(previousHash + canonicalJson(event))));
}

export interface RecomputedChain {
  events: number;
  head: { seq: number; hash: string } | null;
  /** With a kept head: whether the recomputed chain passes through it, and where. */
  expectedHead?: { hash: string; found: boolean; seq: number | null };
}

/**
 * The chain recomputed on this side from the events the bridge serves, trusting nothing it reports: its head
 * must equal the audit's head, and a head kept from earlier must be on it. `until` stops at a seq (the
 * audit's head, while a running job goes on).
 */
export async function recomputeChain(
  events: AsyncIterable<JobEvent>,
  options: { head?: string; until?: number } = {},
): Promise<RecomputedChain> {
  const expectedHead = options.head;
  let hash = '';
  let head: RecomputedChain['head'] = null;
  let count = 0;
  let foundAt: number | null = null;
  for await (const event of events) {
    if (options.until !== undefined && event.seq > options.until) break;
    hash = await chainStep(hash, event);
    head = { seq: event.seq, hash };
    count++;
    if (hash === expectedHead) foundAt = event.seq;
  }
  return {
    events: count,
    head,
    ...(expectedHead !== undefined && { expectedHead: { hash: expectedHead, found: foundAt !== null, seq: foundAt } }),
  };
}
