/**
 * A limit on how many of something run at once, with a queue behind it: a vendor's sockets per API key
 * (MatCraft allows 10), or the solver's worker threads. Waiters name an owner (a tenant); a freed slot goes to
 * the waiting owner that holds the fewest slots, and among equals to the one that has waited longest, so one
 * owner's long queue delays another owner's first job by at most one turn. With one owner it is first come,
 * first served.
 */
export class Slots {
  readonly limit: number;
  #free: number;
  readonly #held = new Map<string, number>();
  /** Each owner's waiters in order; the map's own order is the owners' turn order. */
  readonly #waiting = new Map<string, (() => void)[]>();

  constructor(limit: number) {
    this.limit = limit;
    this.#free = limit;
  }

  get available(): boolean {
    return this.#free > 0 && this.#waiting.size === 0;
  }

  /** Resolves with the slot's release once one is free for `owner`; rejects when `signal` aborts first. */
  async acquire(signal: AbortSignal, owner = ''): Promise<() => void> {
    signal.throwIfAborted();
    if (this.available) {
      this.#free--;
      this.#hold(owner, 1);
      return this.#releaser(owner);
    }
    await new Promise<void>((resolve, reject) => {
      const turn = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const queue = this.#waiting.get(owner)!;
        queue.splice(queue.indexOf(turn), 1);
        if (queue.length === 0) this.#waiting.delete(owner);
        reject(signal.reason);
      };
      const queue = this.#waiting.get(owner);
      if (queue) queue.push(turn);
      else this.#waiting.set(owner, [turn]);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return this.#releaser(owner);
  }

  #hold(owner: string, change: number): void {
    const held = (this.#held.get(owner) ?? 0) + change;
    if (held > 0) this.#held.set(owner, held);
    else this.#held.delete(owner);
  }

  /** A slot handed straight to the next waiter never counts as free, so no newcomer can jump the queue. */
  #releaser(owner: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#hold(owner, -1);
      const next = this.#nextTurn();
      if (next) next();
      else this.#free++;
    };
  }

  #nextTurn(): (() => void) | undefined {
    let chosen: string | undefined;
    let fewest = Infinity;
    for (const owner of this.#waiting.keys()) {
      const held = this.#held.get(owner) ?? 0;
      if (held < fewest) [chosen, fewest] = [owner, held];
    }
    if (chosen === undefined) return undefined;
    const queue = this.#waiting.get(chosen)!;
    const turn = queue.shift()!;
    // Served owners go to the back of the turn order, so equals take turns.
    this.#waiting.delete(chosen);
    if (queue.length > 0) this.#waiting.set(chosen, queue);
    this.#hold(chosen, 1);
    return turn;
  }
}
