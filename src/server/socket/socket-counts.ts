/**
 * Open sockets per API key where a vendor's doc limits them (MatCraft: 10 per key). `scope` keeps one
 * dialect's count apart from another's. Single node: counted here; cluster: in Redis, across every node.
 */
export interface SocketCounts {
  /** Holds one of the key's `limit` sockets and returns its release, or null when all are taken. */
  take(scope: string, key: string, limit: number): Promise<(() => void) | null>;
}

export class LocalSocketCounts implements SocketCounts {
  readonly #counts = new Map<string, number>();

  async take(scope: string, key: string, limit: number): Promise<(() => void) | null> {
    return this.takeNow(`${scope}\0${key}`, limit);
  }

  /** The synchronous form, for a cluster node that counts here while Redis is away. */
  takeNow(id: string, limit: number): (() => void) | null {
    const count = this.#counts.get(id) ?? 0;
    if (count >= limit) return null;
    this.#counts.set(id, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#counts.get(id) ?? 1) - 1;
      if (left <= 0) this.#counts.delete(id);
      else this.#counts.set(id, left);
    };
  }
}
