/**
 * A vendor's limit on simultaneous sockets per API key (MatCraft allows 10). Runs past the limit wait
 * for a slot, first come first served, instead of being refused by the vendor and retrying into the
 * same refusal until they give up.
 */
export class SocketSlots {
  readonly limit: number;
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.limit = limit;
    this.#free = limit;
  }

  get available(): boolean {
    return this.#free > 0 && this.#waiting.length === 0;
  }

  /** Resolves with the slot's release once one is free; rejects when `signal` aborts first. */
  async acquire(signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    if (this.available) {
      this.#free--;
      return this.#releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const turn = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        this.#waiting.splice(this.#waiting.indexOf(turn), 1);
        reject(signal.reason);
      };
      this.#waiting.push(turn);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return this.#releaser();
  }

  /** A slot handed straight to the next waiter never counts as free, so no newcomer can jump the queue. */
  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    };
  }
}
