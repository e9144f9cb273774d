/**
 * One load against one server, or against the nodes of a cluster: the Nerox simulator at R events/s, each server
 * in its own process, C clients over several processes (spread over the nodes); a steady window 3 s after the
 * last client connected and, when asked, a connection storm.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { STREAM_DIALECTS, watchSeqs, type SeqWatcher } from '../../helpers/seq-watcher.js';
import { startNeroxSim, type VendorSim } from '../../vendors/index.js';
import type { ClientReply, ClientRequest, WindowReport } from './clients.js';
import { forkChild, type Child } from './processes.js';
import type { ServerReply, ServerRequest, ServerRole } from './server.js';
import type { StormReply, StormRequest } from './storm-clients.js';
import { LatencyHistogram, prometheusQuantile, prometheusSum, quantileOf } from './stats.js';

export interface Load {
  clients: number;
  rate: number;
  processes: number;
  windowMs: number;
  /** Sockets that connect within 2 s after the steady window, 0 for none. */
  storm: number;
}

export interface WindowResult {
  /** Progress events the simulator stamped inside the window. */
  emitted: number;
  offered: number;
  delivered: number;
  p50: number;
  p99: number;
  p999: number;
  skewP99: number;
  /** p99 of each server's clients (client process i reads server i % servers), the job's owner first. */
  p99ByServer: number[];
  gaps: number;
  serverCpuMicros: number;
  /** Client CPU over the window, in cores, all processes together, and the busiest process's share of a core. */
  clientCores: number;
  busiestClient: number;
  loopMaxMs: number;
  loopP99Ms: number;
}

export interface RunResult {
  connected: number;
  connectMs: number;
  rssPerConnection: number;
  steady: WindowResult;
  storm?: WindowResult & StormCounts;
  /** Stage name → [p50, p99] in ms, from the bridge's /metrics. */
  stages?: Record<string, [number, number]>;
  cluster?: ClusterCounts;
}

export interface StormCounts {
  connected: number;
  /** The storm processes' CPU while connecting, in cores over the storm's spread. */
  stormClientCores: number;
}

/** Cluster runs, at the end of the run. */
export interface ClusterCounts {
  /** One client of each other dialect on every node, so every node encodes all four. */
  otherDialects: { sockets: number; fewestSeen: number; inOrder: boolean };
  /** The nodes' /metrics over the whole run: publish → heard p50 and p99 in ms, the worst of the other nodes. */
  interNodeLag: [p50: number, p99: number];
  /** All nodes together: events read from Postgres for a message missed on Redis, sockets closed as slow. */
  gapFills: number;
  slowClientCloses: number;
}

/** Several bridge nodes on one Redis: the job is submitted to the first, the client processes take the nodes in turn. */
export interface Cluster {
  nodes: number;
  redisUrl: string;
  /** Called at the start and at the end of the steady window, beside the servers' own counters. */
  atSteadyEdge(): Promise<void>;
}

const SETTLE_MS = 3000;
const DRAIN_MS = 2000;
const STORM_SPREAD_MS = 2000;
const STORM_PROCESSES = 2;
const STARTUP_TIMEOUT_MS = 60_000;
const KEY = 'acme-key-0123456789';
const TSP = [[0, 3, 4, 2], [3, 0, 2, 5], [4, 2, 0, 3], [2, 5, 3, 0]];

type ServerChild = Child<ServerRequest, ServerReply>;
type ClientChild = Child<ClientRequest, ClientReply>;
type StormChild = Child<StormRequest, StormReply>;

async function post(url: string, body: unknown, key: string): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  if (response.status !== 202) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Creates the job and returns its id, the clients' stream path and the simulator's id of the job. */
async function startJob(role: ServerRole, server: ServerChild, port: number, sim: VendorSim): Promise<{ jobId: string; streamPath: string; simJobId: string }> {
  if (role === 'standin') {
    const created = await post(`${sim.url}/v1/optimize/tsp`, { distance_matrix: TSP }, sim.apiKey);
    server.send({ type: 'follow', url: `${sim.url.replace('http', 'ws')}/v1/jobs/${created.job_id}/stream?token=${sim.apiKey}` });
    return { jobId: created.job_id, streamPath: `/v1/jobs/${created.job_id}/stream`, simJobId: created.job_id };
  }
  const created = await post(`http://127.0.0.1:${port}/v1/optimize/tsp`, { distance_matrix: TSP, provider: 'nerox' }, KEY);
  for (const deadline = Date.now() + STARTUP_TIMEOUT_MS; Date.now() < deadline; await sleep(50)) {
    const job = (await (await fetch(`http://127.0.0.1:${port}/bridge/v1/jobs/${created.job_id}`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { upstreamId?: string };
    if (job.upstreamId) return { jobId: created.job_id, streamPath: `/v1/jobs/${created.job_id}/stream?token=${KEY}`, simJobId: job.upstreamId };
  }
  throw new Error('the bridge did not start the job at the simulator');
}

/** Client process i connects to `urls[i % urls.length]`. */
async function connectAll(clients: ClientChild[], urls: string[], total: number): Promise<number> {
  clients.forEach((client, i) => client.send({ type: 'connect', url: urls[i % urls.length]!, count: share(total, clients.length, i) }));
  const replies = await Promise.all(clients.map((client) => client.next('connected', 10 * STARTUP_TIMEOUT_MS)));
  return replies.reduce((sum, reply) => sum + reply.opened, 0);
}

/** The storm: `total` sockets from the storm processes, evenly over STORM_SPREAD_MS, process i on `urls[i % urls.length]`. */
async function storm(stormers: StormChild[], urls: string[], total: number): Promise<StormCounts> {
  stormers.forEach((stormer, i) => stormer.send({ type: 'connect', url: urls[i % urls.length]!, count: share(total, stormers.length, i), spreadMs: STORM_SPREAD_MS }));
  const replies = await Promise.all(stormers.map((stormer) => stormer.next('connected', 10 * STARTUP_TIMEOUT_MS)));
  return {
    connected: replies.reduce((sum, reply) => sum + reply.opened, 0),
    stormClientCores: replies.reduce((sum, reply) => sum + reply.cpuMicros, 0) / (STORM_SPREAD_MS * 1000),
  };
}

const share = (total: number, parts: number, i: number) => Math.floor(total / parts) + (i < total % parts ? 1 : 0);

async function markAll(servers: ServerChild[], atEdge?: () => Promise<void>) {
  for (const server of servers) server.send({ type: 'mark' });
  const [marks] = await Promise.all([Promise.all(servers.map((server) => server.next('mark', STARTUP_TIMEOUT_MS))), atEdge?.()]);
  return marks;
}

/**
 * Opens a window on every client process and on the servers' CPU and loop-delay counters (and `atEdge`'s, at
 * its start and end), waits it out, merges.
 */
async function measureWindow(
  name: string, windowMs: number, sim: VendorSim, simJobId: string, connected: number,
  servers: ServerChild[], clients: ClientChild[], hooks: { during?: () => Promise<unknown>; atEdge?: () => Promise<void> } = {},
): Promise<WindowResult> {
  const from = Date.now();
  const to = from + windowMs;
  for (const client of clients) client.send({ type: 'window', name, from, to });
  const before = await markAll(servers, hooks.atEdge);
  await Promise.all([sleep(windowMs), hooks.during?.()]);
  const after = await markAll(servers, hooks.atEdge);
  await sleep(DRAIN_MS);
  for (const client of clients) client.send({ type: 'report', name });
  const reports: WindowReport[] = await Promise.all(clients.map(async (client) => (await client.next('report', STARTUP_TIMEOUT_MS)).report));

  const latency = new LatencyHistogram();
  const byServer = servers.map(() => new LatencyHistogram());
  const arrivals = new Map<number, [number, number]>();
  for (const [i, report] of reports.entries()) {
    latency.add(report.latency);
    byServer[i % servers.length]!.add(report.latency);
    for (const [seq, first, last] of report.arrivals) {
      const seen = arrivals.get(seq);
      arrivals.set(seq, seen ? [Math.min(seen[0], first), Math.max(seen[1], last)] : [first, last]);
    }
  }
  const emitted = sim.job(simJobId)!.history.filter((message) => {
    const at = Date.parse(String(message.timestamp));
    return message.type === 'progress' && at >= from && at < to;
  }).length;
  return {
    emitted,
    offered: emitted * connected,
    delivered: reports.reduce((sum, report) => sum + report.received, 0),
    p50: latency.quantile(0.5), p99: latency.quantile(0.99), p999: latency.quantile(0.999),
    skewP99: quantileOf([...arrivals.values()].map(([first, last]) => last - first), 0.99),
    p99ByServer: byServer.map((histogram) => histogram.quantile(0.99)),
    gaps: reports.reduce((sum, report) => sum + report.gaps, 0),
    serverCpuMicros: after.reduce((sum, mark, i) => sum + mark.cpuMicros - before[i]!.cpuMicros, 0),
    clientCores: reports.reduce((sum, report) => sum + report.cpuMicros, 0) / (windowMs * 1000),
    busiestClient: Math.max(...reports.map((report) => report.cpuMicros / (report.windowMs * 1000))),
    loopMaxMs: Math.max(...after.map((mark) => mark.loopMaxMs)), loopP99Ms: Math.max(...after.map((mark) => mark.loopP99Ms)),
  };
}

async function stageQuantiles(port: number): Promise<Record<string, [number, number]>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const series: Record<string, [string, string]> = {
    'seq → committed': ['optbridge_pipeline_stage_seconds', 'stage="commit"'],
    'committed → published': ['optbridge_pipeline_stage_seconds', 'stage="publish"'],
    'store commit (batch)': ['optbridge_store_commit_seconds', ''],
    'seq → published': ['optbridge_ingest_to_publish_seconds', ''],
  };
  return Object.fromEntries(
    Object.entries(series).map(([stage, [name, labels]]) => [stage, [prometheusQuantile(text, name, labels, 0.5), prometheusQuantile(text, name, labels, 0.99)]]),
  );
}

/**
 * The servers one by one (the first node migrates the database, the others then find it ready), each pushed onto
 * `servers` as it is forked, so that the caller stops those that started when a later one fails.
 */
async function startServers(role: ServerRole, databaseUrl: string, sim: VendorSim, cluster: Cluster | undefined, servers: ServerChild[]): Promise<number[]> {
  if ((role === 'cluster-node') !== (cluster !== undefined)) throw new Error('a cluster-node run needs its cluster, and only it');
  const ports: number[] = [];
  for (let i = 0; i < (cluster?.nodes ?? 1); i++) {
    const args = [role, databaseUrl, sim.url, sim.apiKey, ...(cluster ? [cluster.redisUrl, `node-${i + 1}`] : [])];
    servers.push(forkChild('./server.ts', args, ['--expose-gc']));
    ports.push((await servers[i]!.next('listening', STARTUP_TIMEOUT_MS)).port);
  }
  return ports;
}

async function totalRss(servers: ServerChild[]): Promise<number> {
  for (const server of servers) server.send({ type: 'rss' });
  const replies = await Promise.all(servers.map((server) => server.next('rss', STARTUP_TIMEOUT_MS)));
  return replies.reduce((sum, reply) => sum + reply.bytes, 0);
}

async function clusterCounts(ports: number[], watchers: SeqWatcher[]): Promise<ClusterCounts> {
  const texts = await Promise.all(ports.map(async (port) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text()));
  const lag = (q: number) => Math.max(...texts.slice(1).map((text) => prometheusQuantile(text, 'optbridge_inter_node_lag_seconds', '', q)));
  const total = (name: string) => texts.reduce((sum, text) => sum + prometheusSum(text, name), 0);
  // Gap-free and duplicate-free from where each watcher joined.
  const inOrder = watchers.every(({ seqs }) => seqs.length > 0 && seqs.every((seq, i) => i === 0 || seq === seqs[i - 1]! + 1));
  return {
    otherDialects: { sockets: watchers.length, fewestSeen: Math.min(...watchers.map(({ seqs }) => seqs.length)), inOrder },
    interNodeLag: [lag(0.5), lag(0.99)],
    gapFills: total('optbridge_gap_fill_events_total'),
    slowClientCloses: total('optbridge_slow_consumer_closes_total'),
  };
}

export async function runLoad(role: ServerRole, load: Load, databaseUrl: string, cluster?: Cluster): Promise<RunResult> {
  // Long enough for any run: the job is dropped with the simulator at the end.
  const sim = await startNeroxSim({ job: { events: load.rate * 3600, intervalMs: 1000 / load.rate } });
  const servers: ServerChild[] = [];
  const clients: ClientChild[] = Array.from({ length: load.processes }, () => forkChild('./clients.ts', []));
  const stormers: StormChild[] = Array.from({ length: load.storm > 0 ? STORM_PROCESSES : 0 }, () => forkChild('./storm-clients.ts', []));
  const watchers: SeqWatcher[] = [];
  try {
    const ports = await startServers(role, databaseUrl, sim, cluster, servers);
    const { jobId, streamPath, simJobId } = await startJob(role, servers[0]!, ports[0]!, sim);
    const streamUrls = ports.map((port) => `ws://127.0.0.1:${port}${streamPath}`);
    if (cluster) {
      for (const port of ports) {
        for (const dialect of STREAM_DIALECTS.filter((d) => d !== 'nerox')) watchers.push(watchSeqs(`ws://127.0.0.1:${port}`, dialect, jobId, 0));
      }
    }
    await sleep(1000);
    const rssBefore = await totalRss(servers);
    const connectStart = Date.now();
    const connected = await connectAll(clients, streamUrls, load.clients);
    const connectMs = Date.now() - connectStart;
    const rssAfter = await totalRss(servers);
    await sleep(SETTLE_MS);
    const steady = await measureWindow('steady', load.windowMs, sim, simJobId, connected, servers, clients, { ...(cluster && { atEdge: cluster.atSteadyEdge }) });
    const result: RunResult = { connected, connectMs, rssPerConnection: (rssAfter - rssBefore) / connected, steady };
    if (load.storm > 0) {
      let counts: StormCounts | undefined;
      const window = await measureWindow('storm', STORM_SPREAD_MS + DRAIN_MS, sim, simJobId, connected, servers, clients, {
        during: async () => {
          counts = await storm(stormers, streamUrls, load.storm);
        },
      });
      result.storm = { ...window, ...counts! };
    }
    if (role !== 'standin') result.stages = await stageQuantiles(ports[0]!);
    if (cluster) result.cluster = await clusterCounts(ports, watchers);
    return result;
  } finally {
    for (const watcher of watchers) watcher.close();
    await Promise.all([...clients, ...stormers].map((client) => client.stop()));
    await Promise.all(servers.map((server) => server.stop()));
    await sim.close();
  }
}
