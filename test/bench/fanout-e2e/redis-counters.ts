/**
 * What a bench's own Redis server did between two readings: calls per command (`INFO commandstats`, where the
 * commands a Lua script runs count too), bytes in and out, its CPU, and who listens on the events channel.
 */
import type { Redis } from 'ioredis';

export interface RedisReading {
  at: number;
  calls: Map<string, number>;
  inputBytes: number;
  outputBytes: number;
  cpuSeconds: number;
  eventSubscribers: number;
}

export interface RedisTraffic {
  seconds: number;
  /** Command → calls in the interval, the readings' own INFO calls left out, busiest first. */
  calls: Array<[command: string, calls: number]>;
  inputBytes: number;
  outputBytes: number;
  cpuSeconds: number;
  eventSubscribers: number;
}

const EVENTS_CHANNEL = 'optbridge:events';

function fields(info: string): Map<string, string> {
  const pairs = info.split('\r\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split(':', 2) as [string, string]);
  return new Map(pairs);
}

export async function readRedis(redis: Redis): Promise<RedisReading> {
  const [commandstats, stats, cpu, numsub] = await Promise.all([
    redis.info('commandstats'), redis.info('stats'), redis.info('cpu'), redis.pubsub('NUMSUB', EVENTS_CHANNEL) as Promise<[string, number]>,
  ]);
  const calls = new Map<string, number>();
  for (const [name, value] of fields(commandstats)) calls.set(name.replace(/^cmdstat_/, ''), Number(/calls=(\d+)/.exec(value)![1]));
  const stat = fields(stats);
  const cpuStat = fields(cpu);
  return {
    at: Date.now(),
    calls,
    inputBytes: Number(stat.get('total_net_input_bytes')),
    outputBytes: Number(stat.get('total_net_output_bytes')),
    cpuSeconds: Number(cpuStat.get('used_cpu_user')) + Number(cpuStat.get('used_cpu_sys')),
    eventSubscribers: Number(numsub[1]),
  };
}

const OWN_COMMANDS = new Set(['info', 'pubsub|numsub']);

export function trafficBetween(before: RedisReading, after: RedisReading): RedisTraffic {
  const calls = [...after.calls]
    .filter(([command]) => !OWN_COMMANDS.has(command))
    .map(([command, count]): [string, number] => [command, count - (before.calls.get(command) ?? 0)])
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1]);
  return {
    seconds: (after.at - before.at) / 1000,
    calls,
    inputBytes: after.inputBytes - before.inputBytes,
    outputBytes: after.outputBytes - before.outputBytes,
    cpuSeconds: after.cpuSeconds - before.cpuSeconds,
    eventSubscribers: Math.min(before.eventSubscribers, after.eventSubscribers),
  };
}
