/**
 * Per-key token buckets: `capacity` tokens that refill at `perMinute` a minute, so a key may burst up to the
 * capacity and sustain the rate. Time is passed in, so the buckets do no I/O and tests need no clock.
 */
export class TokenBuckets {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(perMinute: number, capacity = perMinute) {
    this.#capacity = capacity;
    this.#perMs = perMinute / 60_000;
  }

  /** Takes a token for `key`; when none is left, how many seconds until one is (a Retry-After). */
  take(key: string, nowMs: number): { ok: true } | { ok: false; retryAfterS: number } {
    const bucket = this.#buckets.get(key) ?? { tokens: this.#capacity, at: nowMs };
    const tokens = Math.min(this.#capacity, bucket.tokens + (nowMs - bucket.at) * this.#perMs);
    if (tokens >= 1) {
      this.#buckets.set(key, { tokens: tokens - 1, at: nowMs });
      return { ok: true };
    }
    this.#buckets.set(key, { tokens, at: nowMs });
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - tokens) / this.#perMs / 1000)) };
  }
}
