/**
 * The server side of the end-to-end fan-out bench, in its own process so its CPU, RSS and event-loop delay are
 * its own: either the bridge on Postgres with the Nerox simulator as its upstream (alone, or as one node of a
 * cluster on Redis: `cluster-node`, with the Redis URL and the node's id after the simulator's), or the bare-uWS
 * stand-in, which follows the same simulator stream and publishes each event, serialised once, to one topic.
 * Parent → child: `{ type: 'follow', url }` (stand-in), `{ type: 'rss' }`, `{ type: 'mark' }`; child → parent: replies.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { loadNativeUws } from '../../../src/server/uws.js';
import { startTestBridge } from '../../helpers/bridge.js';

export type ServerRole = 'bridge' | 'standin' | 'cluster-node';
export type ServerRequest = { type: 'follow'; url: string } | { type: 'rss' } | { type: 'mark' };
export type ServerReply =
  | { type: 'listening'; port: number }
  | { type: 'rss'; bytes: number }
  | { type: 'mark'; cpuMicros: number; loopMaxMs: number; loopP99Ms: number };

const [role, databaseUrl, neroxUrl, neroxKey, redisUrl, nodeId] = process.argv.slice(2) as [ServerRole, string, string, string, string?, string?];
const reply = (message: ServerReply) => process.send!(message);
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

const settleHeap = () => {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
};

/** What the bridge's last step does, without ingest, store or hub: one Nerox-shaped message per event, one topic. */
function startStandIn(): { port: number; follow: (url: string) => void } {
  const uws = loadNativeUws();
  const app = uws.App();
  app.ws('/v1/jobs/:id/stream', { maxBackpressure: 1024 * 1024, closeOnBackpressureLimit: 1, open: (ws) => void ws.subscribe('job') });
  let port = 0;
  app.listen('127.0.0.1', 0, (listen) => {
    if (listen) port = uws.us_socket_local_port(listen);
  });
  let seq = 0;
  const follow = (url: string) => {
    const upstream = new WebSocket(url);
    upstream.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type !== 'progress') return;
      const { type, iteration, energy, best_energy, best_solution, temperature, timestamp } = message;
      app.publish('job', JSON.stringify({ type, iteration, energy, best_energy, best_solution, temperature, timestamp, x_bridge: { seq: ++seq } }));
    });
  };
  return { port, follow };
}

async function start(): Promise<{ port: number; follow?: (url: string) => void }> {
  if (role === 'standin') return startStandIn();
  const store = { kind: 'postgres' as const, env: { DATABASE_URL: databaseUrl }, dispose: async () => {} };
  const cluster: Record<string, string> = role === 'cluster-node' ? { REDIS_URL: redisUrl!, BRIDGE_NODE_ID: nodeId! } : {};
  const bridge = await startTestBridge(store, { env: { NEROX_URL: neroxUrl, NEROX_API_KEY: neroxKey, ...cluster } });
  return { port: bridge.bridge.port };
}

const server = await start();
process.on('message', (request: ServerRequest) => {
  if (request.type === 'follow') server.follow?.(request.url);
  else if (request.type === 'rss') {
    settleHeap();
    reply({ type: 'rss', bytes: process.memoryUsage().rss });
  } else {
    const cpu = process.cpuUsage();
    reply({ type: 'mark', cpuMicros: cpu.user + cpu.system, loopMaxMs: loop.max / 1e6, loopP99Ms: loop.percentile(99) / 1e6 });
    loop.reset();
  }
});
process.on('disconnect', () => process.exit(0));
reply({ type: 'listening', port: server.port });
