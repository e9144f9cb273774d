import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Drops holders whose node stopped refreshing them, then takes a place if one is free. */
const TAKE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

interface Held {
  key: string;
  member: string;
}

/**
 * A key's socket limit across the cluster: a sorted set per key and scope in Redis whose members are the
 * open sockets (node and a counter), each scored with when it expires. Nodes refresh their own members every
 * third of the TTL, so the places of a node that died free up a TTL later. API keys appear only hashed.
 * While Redis is unreachable the node counts on its own (`fallback`), so the limit holds per node meanwhile.
 */
export class RedisSocketCounts {
  readonly #redis: Redis;
  readonly #nodeId: string;
  readonly #ttlMs: number;
  readonly #fallback: (id: string, limit: number) => (() => void) | null;
  readonly #held = new Set<Held>();
  readonly #timer: NodeJS.Timeout;
  #counter = 0;

  constructor(redis: Redis, nodeId: string, ttlMs: number, fallback: (id: string, limit: number) => (() => void) | null) {
    this.#redis = redis;
    this.#nodeId = nodeId;
    this.#ttlMs = ttlMs;
    this.#fallback = fallback;
    this.#timer = setInterval(() => void this.#refresh(), Math.max(100, ttlMs / 3));
    this.#timer.unref();
  }

  async take(scope: string, key: string, limit: number): Promise<(() => void) | null> {
    const setKey = `optbridge:sockets:${scope}:${createHash('sha256').update(key).digest('hex')}`;
    const member = `${this.#nodeId}:${++this.#counter}`;
    const now = Date.now();
    let taken: unknown;
    try {
      taken = await this.#redis.eval(TAKE, 1, setKey, now, limit, now + this.#ttlMs, member, this.#ttlMs * 2);
    } catch {
      return this.#fallback(setKey, limit);
    }
    if (taken !== 1) return null;
    const held: Held = { key: setKey, member };
    this.#held.add(held);
    return () => {
      if (!this.#held.delete(held)) return;
      this.#redis.zrem(setKey, member).catch(() => {});
    };
  }

  close(): void {
    clearInterval(this.#timer);
  }

  async #refresh(): Promise<void> {
    if (this.#held.size === 0) return;
    const expires = Date.now() + this.#ttlMs;
    const pipeline = this.#redis.pipeline();
    for (const { key, member } of this.#held) pipeline.zadd(key, expires, member).pexpire(key, this.#ttlMs * 2);
    await pipeline.exec().catch(() => {});
  }
}
