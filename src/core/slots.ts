/**
 * A limit on how many of something run at once, with a first-come-first-served queue behind it: a
 * vendor's sockets per API key (MatCraft allows 10), or the solver's worker threads.
 */
export class Slots {
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
