/**
 * Concurrent asks for one key share the one call already in flight; once it settles, the next ask starts a
 * new call. Nothing is cached beyond that, so no answer is older than the moment its call began, and a storm
 * of sockets opening at once on one job costs one lookup instead of one each.
 */
export class SingleFlight<V> {
  readonly #inFlight = new Map<string, Promise<V>>();

  run(key: string, call: () => Promise<V>): Promise<V> {
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const started = call().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, started);
    return started;
  }
}
