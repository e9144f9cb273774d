import { Redis } from 'ioredis';

/**
 * The node's two Redis connections: one for commands (publishes, leases, socket counts), one held in
 * subscriber mode for the cluster's channels. Both reconnect by themselves; the command connection keeps no
 * offline queue, so while Redis is away a publish fails at once instead of piling up and arriving late.
 */
export interface RedisLink {
  commands: Redis;
  subscriber: Redis;
  /** When both connections last became ready (ms since the epoch), or null while either is down. */
  upSince(): number | null;
  close(): Promise<void>;
}

export async function connectRedis(url: string, log: (line: string) => void): Promise<RedisLink> {
  const commands = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const subscriber = new Redis(url, { lazyConnect: true });
  const ready = new Set<Redis>();
  let upSince: number | null = null;
  for (const [name, connection] of [['commands', commands], ['subscriber', subscriber]] as const) {
    connection.on('ready', () => {
      ready.add(connection);
      if (ready.size === 2) upSince = Date.now();
    });
    connection.on('close', () => {
      if (ready.delete(connection)) log(`redis ${name} connection lost, reconnecting`);
      upSince = null;
    });
    // Reconnection is ioredis' own; the error itself is logged once, by the close above.
    connection.on('error', () => {});
  }
  try {
    await Promise.all([commands.connect(), subscriber.connect()]);
  } catch (error) {
    commands.disconnect();
    subscriber.disconnect();
    throw new Error(`REDIS_URL ${redactedUrl(url)} is unreachable: ${(error as Error).message}`);
  }
  return {
    commands,
    subscriber,
    upSince: () => upSince,
    async close() {
      await Promise.allSettled([commands.quit(), subscriber.quit()]);
    },
  };
}

function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
