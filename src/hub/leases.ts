import type { Redis } from 'ioredis';
import { instruments } from '../telemetry/metrics.js';

/**
 * Takes the lease when it is free or already ours (then extends it); refuses when another node holds it.
 * Also how an owner re-asserts its leases after Redis lost them (a restart without persistence).
 */
const TAKE = `
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
elseif holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

/** TAKE over every key at once: one round trip renews all of a node's leases. */
const RENEW_ALL = `
local kept = {}
for i, key in ipairs(KEYS) do
  local holder = redis.call('GET', key)
  if holder == false then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    kept[i] = 1
  elseif holder == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    kept[i] = 1
  else
    kept[i] = 0
  end
end
return kept`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export type LeaseLostListener = (jobId: string) => void;

const leaseKey = (jobId: string): string => `optbridge:lease:${jobId}`;

/**
 * Job ownership leases in Redis: who may run a job's one upstream session or solver run. A lease is renewed
 * every third of its TTL while the node lives, and runs out a TTL after the node dies or pauses. The lease
 * decides only who tries: the fencing token in Postgres (jobs.owner_epoch) decides whose writes count.
 *
 * While Redis is unreachable an owner keeps its jobs (they keep writing to Postgres, where fencing still
 * holds); when it comes back the next renewal re-asserts them.
 */
export class RedisLeases {
  readonly #redis: Redis;
  readonly #nodeId: string;
  readonly #ttlMs: number;
  readonly #held = new Set<string>();
  readonly #lostListeners = new Set<LeaseLostListener>();
  readonly #timer: NodeJS.Timeout;
  #renewing = false;

  constructor(redis: Redis, nodeId: string, ttlMs: number, log: (line: string) => void) {
    this.#redis = redis;
    this.#nodeId = nodeId;
    this.#ttlMs = ttlMs;
    this.#timer = setInterval(() => void this.#renewAll().catch((error: Error) => log(`lease renewal failed, keeping jobs: ${error.message}`)), Math.max(100, ttlMs / 3));
    this.#timer.unref();
  }

  get nodeId(): string {
    return this.#nodeId;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** True when this node now holds the job's lease. */
  async acquire(jobId: string): Promise<boolean> {
    const taken = (await this.#redis.eval(TAKE, 1, leaseKey(jobId), this.#nodeId, this.#ttlMs)) === 1;
    if (taken) {
      this.#held.add(jobId);
      instruments.leaseAcquisitions.add(1);
    }
    return taken;
  }

  async release(jobId: string): Promise<void> {
    if (!this.#held.delete(jobId)) return;
    await this.#redis.eval(RELEASE, 1, leaseKey(jobId), this.#nodeId);
  }

  /** Forgets a lease without touching Redis: the job was fenced off, another node holds it already. */
  forget(jobId: string): void {
    this.#held.delete(jobId);
  }

  /** Each job's lease holder, null where nobody holds one. */
  async holders(jobIds: readonly string[]): Promise<(string | null)[]> {
    if (jobIds.length === 0) return [];
    return this.#redis.mget(jobIds.map(leaseKey));
  }

  onLost(listener: LeaseLostListener): () => void {
    this.#lostListeners.add(listener);
    return () => this.#lostListeners.delete(listener);
  }

  close(): void {
    clearInterval(this.#timer);
  }

  async #renewAll(): Promise<void> {
    if (this.#renewing || this.#held.size === 0) return;
    this.#renewing = true;
    try {
      const jobIds = [...this.#held];
      const kept = (await this.#redis.eval(RENEW_ALL, jobIds.length, ...jobIds.map(leaseKey), this.#nodeId, this.#ttlMs)) as number[];
      jobIds.forEach((jobId, i) => {
        if (kept[i] === 1 || !this.#held.delete(jobId)) return;
        instruments.leaseLosses.add(1);
        for (const listener of this.#lostListeners) listener(jobId);
      });
    } finally {
      this.#renewing = false;
    }
  }
}
