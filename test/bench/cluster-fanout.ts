/**
 * Cross-node fan-out: the same load through one cluster node and through three (the job submitted to the first,
 * the client processes spread evenly over the nodes), in one run, on a Redis server of the bench's own, so its
 * counters hold this traffic only: the p99 that the hop through Redis adds, and Redis traffic per event (the
 * owner publishes each event once, whatever the nodes, clients and dialects). `BENCH_FANOUT_SCALE`,
 * `BENCH_FANOUT_WINDOW_S` and `BENCH_FANOUT_PROCESSES` as in fanout-e2e.ts (processes rounded up to a multiple
 * of the nodes); BENCH_QUICK=1 leaves README alone.
 */
import { cpus, loadavg } from 'node:os';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startRedisServer } from '../helpers/cluster.js';
import { freshPostgresDatabase } from '../helpers/services.js';
import { readRedis, trafficBetween, type RedisReading, type RedisTraffic } from './fanout-e2e/redis-counters.js';
import { runLoad, type Load, type RunResult, type WindowResult } from './fanout-e2e/run.js';
import { ms, ratio } from './fanout-e2e/stats.js';
import { machineDescription, replaceSection } from './readme.js';

const NODES = [1, 3] as const;
const SCALE = Number(process.env.BENCH_FANOUT_SCALE ?? 1);
const WINDOW_MS = Number(process.env.BENCH_FANOUT_WINDOW_S ?? 8) * 1000;
const MOST_NODES = Math.max(...NODES);
const PROCESSES = Math.ceil(Number(process.env.BENCH_FANOUT_PROCESSES ?? Math.min(4, Math.max(2, cpus().length - 1))) / MOST_NODES) * MOST_NODES;
const LOADS: Array<[clients: number, rate: number]> = [[1000, 20], [3000, 20]];

interface ClusterRun {
  nodes: number;
  run: RunResult;
  redis: RedisTraffic;
  /** Events the owner committed over the same interval: what each PUBLISH is counted against. */
  committed: number;
}

/** Redis's counters and, in the run's database (one job in it), the job's last committed seq. */
interface Edge {
  redis: RedisReading;
  lastSeq: number;
}

async function readEdge(redis: Redis, database: pg.Client): Promise<Edge> {
  const [reading, { rows }] = await Promise.all([readRedis(redis), database.query<{ seq: number }>('select coalesce(sum(last_seq), 0)::int as seq from jobs')]);
  return { redis: reading, lastSeq: rows[0]!.seq };
}

const loads: Load[] = LOADS.map(([clients, rate]) => ({ clients: Math.max(PROCESSES, Math.round(clients * SCALE)), rate, processes: PROCESSES, windowMs: WINDOW_MS, storm: 0 }));

const loadAtStart = loadavg()[0]!;
const redisServer = await startRedisServer();
const redis = new Redis(redisServer.url);
const results: Array<{ load: Load; runs: ClusterRun[] }> = [];
try {
  for (const load of loads) {
    const runs: ClusterRun[] = [];
    for (const nodes of NODES) {
      console.error(`cluster fan-out: ${load.clients} clients × ${load.rate} ev/s through ${nodes} node(s)`);
      // A database per run: the nodes of the next run would otherwise take over the last run's unfinished job.
      const database = await freshPostgresDatabase();
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const edges: Edge[] = [];
      try {
        const atSteadyEdge = async () => void edges.push(await readEdge(redis, client));
        const run = await runLoad('cluster-node', load, database.url, { nodes, redisUrl: redisServer.url, atSteadyEdge });
        const [start, end] = [edges[0]!, edges[1]!];
        runs.push({ nodes, run, redis: trafficBetween(start.redis, end.redis), committed: end.lastSeq - start.lastSeq });
      } finally {
        await client.end();
        await database.drop();
      }
    }
    results.push({ load, runs });
  }
} finally {
  redis.disconnect();
  await redisServer.stop();
}

const callsOf = (traffic: RedisTraffic, command: string) => traffic.calls.find(([name]) => name === command)?.[1] ?? 0;
const publishesPerEvent = ({ redis: traffic, committed }: ClusterRun) => callsOf(traffic, 'publish') / Math.max(1, committed);
const otherCommandsPerSecond = ({ redis: traffic }: ClusterRun) =>
  traffic.calls.reduce((sum, [command, calls]) => sum + (command === 'publish' ? 0 : calls), 0) / traffic.seconds;
const cpuPerMessage = (w: WindowResult) => w.serverCpuMicros / Math.max(1, w.delivered);
const perEvent = (bytes: number, { committed }: ClusterRun) => (bytes / Math.max(1, committed)).toFixed(0);
const clientSplit = ({ nodes, run }: ClusterRun) =>
  nodes === 1 ? '–' : `${ms(run.steady.p99ByServer[0]!)} / ${ms(Math.max(...run.steady.p99ByServer.slice(1)))}`;
const label = (load: Load) => `${load.clients} × ${load.rate}`;
const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const steady = table(
  ['load (C × R)', 'nodes', 'connected', 'delivered / offered', 'latency p50 / p99 / p99.9 ms', "p99 owner's clients / other nodes' ms", 'seq gaps',
    'server CPU µs/msg (all nodes)', 'busiest client process, % of a core', 'PUBLISH per event', 'other Redis commands/s', 'Redis bytes in / out per event', 'loop delay max ms'],
  results.flatMap(({ load, runs }) => runs.map((r) => [
    label(load), `${r.nodes}`, `${r.run.connected}`, `${r.run.steady.delivered} / ${r.run.steady.offered}`,
    `${ms(r.run.steady.p50)} / ${ms(r.run.steady.p99)} / ${ms(r.run.steady.p999)}`, clientSplit(r), `${r.run.steady.gaps}`,
    cpuPerMessage(r.run.steady).toFixed(2), (r.run.steady.busiestClient * 100).toFixed(0), publishesPerEvent(r).toFixed(2), otherCommandsPerSecond(r).toFixed(1),
    `${perEvent(r.redis.inputBytes, r)} / ${perEvent(r.redis.outputBytes, r)}`, ms(r.run.steady.loopMaxMs),
  ])),
);
const pair = (runs: ClusterRun[]) => [runs.find((r) => r.nodes === 1)!, runs.find((r) => r.nodes === MOST_NODES)!] as const;
const ratios = table(
  ['load (C × R)', `p99 ${MOST_NODES} nodes ÷ 1`, 'added p99 ms', "other nodes' p99 − owner's, same run, ms", 'p99.9 ÷', 'CPU/msg ÷',
    `PUBLISH per event, 1 → ${MOST_NODES} nodes`, 'events stamped / committed in window, 1 and 3 nodes'],
  results.map(({ load, runs }) => {
    const [one, many] = pair(runs);
    const [owner, ...others] = many.run.steady.p99ByServer;
    return [
      label(load), ratio(many.run.steady.p99, one.run.steady.p99), (many.run.steady.p99 - one.run.steady.p99).toFixed(1),
      (Math.max(...others) - owner!).toFixed(1),
      ratio(many.run.steady.p999, one.run.steady.p999), ratio(cpuPerMessage(many.run.steady), cpuPerMessage(one.run.steady)),
      `${publishesPerEvent(one).toFixed(2)} → ${publishesPerEvent(many).toFixed(2)}`,
      `${one.run.steady.emitted} / ${one.committed} and ${many.run.steady.emitted} / ${many.committed}`,
    ];
  }),
);
const commands = table(
  ['load (C × R)', 'nodes', 'subscribers on optbridge:events', 'Redis calls/s by command (Lua scripts\' own calls included)', 'Redis CPU %',
    'other-dialect clients: sockets, fewest events seen, in order', 'publish → heard on another node p50 / p99 ms (whole run)',
    'events filled from Postgres', 'slow-client closes'],
  results.flatMap(({ load, runs }) => runs.map((r) => [
    label(load), `${r.nodes}`, `${r.redis.eventSubscribers}`,
    r.redis.calls.map(([command, calls]) => `${command} ${(calls / r.redis.seconds).toFixed(1)}`).join(', '),
    ((100 * r.redis.cpuSeconds) / r.redis.seconds).toFixed(1),
    `${r.run.cluster!.otherDialects.sockets}, ${r.run.cluster!.otherDialects.fewestSeen}, ${r.run.cluster!.otherDialects.inOrder ? 'yes' : 'NO'}`,
    r.nodes === 1 ? '–' : `${ms(r.run.cluster!.interNodeLag[0])} / ${ms(r.run.cluster!.interNodeLag[1])}`,
    `${r.run.cluster!.gapFills}`, `${r.run.cluster!.slowClientCloses}`,
  ])),
);

const report = [
  machineDescription(loadAtStart),
  `- ${PROCESSES} client processes (\`ws\`, every message JSON-parsed, Nerox dialect), taking the nodes in turn; steady window ${WINDOW_MS / 1000} s from 3 s after the last client connected, client scale ${SCALE}`,
  '- besides them, one JAOT, one MatCraft and one Mutagent client on every node, so each node encodes four dialects',
  '',
  steady, '', `${MOST_NODES} nodes against 1, steady state:`, '', ratios, '', 'Redis over the steady window:', '', commands,
].join('\n');
console.log(report);
if (process.env.BENCH_QUICK !== '1') await replaceSection('cluster-fanout', `Latest full run:\n\n${report}`);
