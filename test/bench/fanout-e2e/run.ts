/**
 * One load against one server: the Nerox simulator at R events/s, the server in its own process, C clients over
 * several processes; a steady window 3 s after the last client connected and, when asked, a connection storm.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startNeroxSim, type VendorSim } from '../../vendors/index.js';
import type { ClientReply, ClientRequest, Group, WindowReport } from './clients.js';
import { forkChild, type Child } from './processes.js';
import type { ServerReply, ServerRequest, ServerRole } from './server.js';
import { LatencyHistogram, prometheusQuantile, quantileOf } from './stats.js';

export interface Load {
  clients: number;
  rate: number;
  processes: number;
  windowMs: number;
  /** Sockets that connect within 2 s after the steady window, 0 for none. */
  storm: number;
}

export interface WindowResult {
  offered: number;
  delivered: number;
  p50: number;
  p99: number;
  p999: number;
  skewP99: number;
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
  storm?: WindowResult & { connected: number };
  /** Stage name → [p50, p99] in ms, from the bridge's /metrics. */
  stages?: Record<string, [number, number]>;
}

const SETTLE_MS = 3000;
const DRAIN_MS = 2000;
const STORM_SPREAD_MS = 2000;
const STARTUP_TIMEOUT_MS = 60_000;
const KEY = 'acme-key-0123456789';
const TSP = [[0, 3, 4, 2], [3, 0, 2, 5], [4, 2, 0, 3], [2, 5, 3, 0]];

type ServerChild = Child<ServerRequest, ServerReply>;
type ClientChild = Child<ClientRequest, ClientReply>;

async function post(url: string, body: unknown, key: string): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  if (response.status !== 202) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Creates the job and returns the clients' stream URL and the simulator's id of the job. */
async function startJob(role: ServerRole, server: ServerChild, port: number, sim: VendorSim): Promise<{ streamUrl: string; simJobId: string }> {
  if (role === 'standin') {
    const created = await post(`${sim.url}/v1/optimize/tsp`, { distance_matrix: TSP }, sim.apiKey);
    server.send({ type: 'follow', url: `${sim.url.replace('http', 'ws')}/v1/jobs/${created.job_id}/stream?token=${sim.apiKey}` });
    return { streamUrl: `ws://127.0.0.1:${port}/v1/jobs/${created.job_id}/stream`, simJobId: created.job_id };
  }
  const created = await post(`http://127.0.0.1:${port}/v1/optimize/tsp`, { distance_matrix: TSP, provider: 'nerox' }, KEY);
  for (const deadline = Date.now() + STARTUP_TIMEOUT_MS; Date.now() < deadline; await sleep(50)) {
    const job = (await (await fetch(`http://127.0.0.1:${port}/bridge/v1/jobs/${created.job_id}`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { upstreamId?: string };
    if (job.upstreamId) return { streamUrl: `ws://127.0.0.1:${port}/v1/jobs/${created.job_id}/stream?token=${KEY}`, simJobId: job.upstreamId };
  }
  throw new Error('the bridge did not start the job at the simulator');
}

async function connectAll(clients: ClientChild[], url: string, total: number, group: Group, spreadMs: number): Promise<number> {
  clients.forEach((client, i) => client.send({ type: 'connect', url, count: share(total, clients.length, i), group, spreadMs }));
  const replies = await Promise.all(clients.map((client) => client.next('connected', 10 * STARTUP_TIMEOUT_MS)));
  return replies.reduce((sum, reply) => sum + reply.opened, 0);
}

const share = (total: number, parts: number, i: number) => Math.floor(total / parts) + (i < total % parts ? 1 : 0);

/** Opens a window on every client process and on the server's CPU and loop-delay counters, waits it out, merges. */
async function measureWindow(
  name: string, group: Group, windowMs: number, sim: VendorSim, simJobId: string, connectedInGroup: number,
  server: ServerChild, clients: ClientChild[], during?: () => Promise<unknown>,
): Promise<WindowResult> {
  const from = Date.now();
  const to = from + windowMs;
  for (const client of clients) client.send({ type: 'window', name, group, from, to });
  server.send({ type: 'mark' });
  const before = await server.next('mark', STARTUP_TIMEOUT_MS);
  await Promise.all([sleep(windowMs), during?.()]);
  server.send({ type: 'mark' });
  const after = await server.next('mark', STARTUP_TIMEOUT_MS);
  await sleep(DRAIN_MS);
  for (const client of clients) client.send({ type: 'report', name });
  const reports: WindowReport[] = await Promise.all(clients.map(async (client) => (await client.next('report', STARTUP_TIMEOUT_MS)).report));

  const latency = new LatencyHistogram();
  const arrivals = new Map<number, [number, number]>();
  for (const report of reports) {
    latency.add(report.latency);
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
    offered: emitted * connectedInGroup,
    delivered: reports.reduce((sum, report) => sum + report.received, 0),
    p50: latency.quantile(0.5), p99: latency.quantile(0.99), p999: latency.quantile(0.999),
    skewP99: quantileOf([...arrivals.values()].map(([first, last]) => last - first), 0.99),
    gaps: reports.reduce((sum, report) => sum + report.gaps, 0),
    serverCpuMicros: after.cpuMicros - before.cpuMicros,
    clientCores: reports.reduce((sum, report) => sum + report.cpuMicros, 0) / (windowMs * 1000),
    busiestClient: Math.max(...reports.map((report) => report.cpuMicros / (report.windowMs * 1000))),
    loopMaxMs: after.loopMaxMs, loopP99Ms: after.loopP99Ms,
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

export async function runLoad(role: ServerRole, load: Load, databaseUrl: string): Promise<RunResult> {
  // Long enough for any run: the job is dropped with the simulator at the end.
  const sim = await startNeroxSim({ job: { events: load.rate * 3600, intervalMs: 1000 / load.rate } });
  const server: ServerChild = forkChild('./server.ts', [role, databaseUrl, sim.url, sim.apiKey], ['--expose-gc']);
  const clients: ClientChild[] = Array.from({ length: load.processes }, () => forkChild('./clients.ts', []));
  try {
    const { port } = await server.next('listening', STARTUP_TIMEOUT_MS);
    const { streamUrl, simJobId } = await startJob(role, server, port, sim);
    await sleep(1000);
    server.send({ type: 'rss' });
    const rssBefore = (await server.next('rss', STARTUP_TIMEOUT_MS)).bytes;
    const connectStart = Date.now();
    const connected = await connectAll(clients, streamUrl, load.clients, 'base', 0);
    const connectMs = Date.now() - connectStart;
    server.send({ type: 'rss' });
    const rssAfter = (await server.next('rss', STARTUP_TIMEOUT_MS)).bytes;
    await sleep(SETTLE_MS);
    const steady = await measureWindow('steady', 'base', load.windowMs, sim, simJobId, connected, server, clients);
    const result: RunResult = { connected, connectMs, rssPerConnection: (rssAfter - rssBefore) / connected, steady };
    if (load.storm > 0) {
      let stormConnected = 0;
      const storm = await measureWindow('storm', 'base', STORM_SPREAD_MS + DRAIN_MS, sim, simJobId, connected, server, clients, async () => {
        stormConnected = await connectAll(clients, streamUrl, load.storm, 'storm', STORM_SPREAD_MS);
      });
      result.storm = { ...storm, connected: stormConnected };
    }
    if (role === 'bridge') result.stages = await stageQuantiles(port);
    return result;
  } finally {
    await Promise.all(clients.map((client) => client.stop()));
    await server.stop();
    await sim.close();
  }
}
