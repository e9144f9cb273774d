/** Kept answers beyond which the expired ones are swept out (and all of them, if none has expired). */
const MAX_KEPT = 10_000;

export interface SingleFlightOptions<V> {
  /**
   * How long a settled answer keeps serving new asks, for answers that may be that old (0, the default: none).
   * A storm of sockets spread over seconds, not only one arriving all at once, then costs one lookup a window.
   */
  keepMs?: number;
  /** Which answers may be kept (for instance only a job that was found, never its absence). */
  keepIf?: (value: V) => boolean;
}

/**
 * Concurrent asks for one key share the one call already in flight; once it settles, the next ask starts a
 * new call unless `keepMs` lets the answer serve a while longer. A storm of sockets opening on one job costs one
 * lookup instead of one each.
 */
export class SingleFlight<V> {
  readonly #inFlight = new Map<string, Promise<V>>();
  readonly #kept = new Map<string, { value: V; until: number }>();
  readonly #keepMs: number;
  readonly #keepIf: (value: V) => boolean;

  constructor({ keepMs = 0, keepIf = () => true }: SingleFlightOptions<V> = {}) {
    this.#keepMs = keepMs;
    this.#keepIf = keepIf;
  }

  run(key: string, call: () => Promise<V>): Promise<V> {
    const kept = this.#kept.get(key);
    if (kept && kept.until > Date.now()) return Promise.resolve(kept.value);
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const started = call()
      .then((value) => {
        if (this.#keepMs > 0 && this.#keepIf(value)) this.#keep(key, value);
        return value;
      })
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, started);
    return started;
  }

  #keep(key: string, value: V): void {
    const now = Date.now();
    if (this.#kept.size >= MAX_KEPT) {
      for (const [k, entry] of this.#kept) if (entry.until <= now) this.#kept.delete(k);
      if (this.#kept.size >= MAX_KEPT) this.#kept.clear();
    }
    this.#kept.set(key, { value, until: now + this.#keepMs });
  }
}
