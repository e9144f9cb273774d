import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { startBridgeProcess, type BridgeProcess } from './bridge-process.js';
import { waitFor } from './wait.js';

/** A test's own Redis server on its own port, which the test may stop and start again (never the shared one). */
export interface RedisServer {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    url,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50 });
      probe.on('error', () => {});
      await waitFor(async () => (await probe.ping().catch(() => null)) === 'PONG');
      probe.disconnect();
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
  };
  await server.start();
  return server;
}

export interface ClusterOptions {
  nodes: number;
  databaseUrl: string;
  redisUrl: string;
  leaseTtlMs?: number;
  env?: Record<string, string>;
}

/** Bridge nodes as separate processes on one Postgres and one Redis, named node-1, node-2, … */
export function startCluster(options: ClusterOptions): Promise<BridgeProcess[]> {
  return Promise.all(
    Array.from({ length: options.nodes }, (_, i) =>
      startBridgeProcess({
        DATABASE_URL: options.databaseUrl,
        REDIS_URL: options.redisUrl,
        BRIDGE_NODE_ID: `node-${i + 1}`,
        BRIDGE_LEASE_TTL_MS: String(options.leaseTtlMs ?? 2500),
        SOLVER_DEVICE: 'cpu',
        ...options.env,
      }),
    ),
  );
}

export async function stopCluster(nodes: readonly BridgeProcess[]): Promise<void> {
  await Promise.all(
    nodes.map(async (node) => {
      if (node.child.exitCode !== null || node.child.signalCode !== null) return;
      node.child.kill('SIGCONT');
      node.child.kill('SIGKILL');
      await node.exited;
    }),
  );
}
