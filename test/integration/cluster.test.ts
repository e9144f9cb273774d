import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import WebSocket from 'ws';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { FINAL_JOB_STATUSES, type Job } from '../../src/core/job.js';
import type { JobEvent } from '../../src/core/event.js';
import { api, range, TENANT_KEYS } from '../helpers/bridge.js';
import type { BridgeProcess } from '../helpers/bridge-process.js';
import { startCluster, startRedisServer, stopCluster, type RedisServer } from '../helpers/cluster.js';
import { STREAM_DIALECTS, watchSeqs, type SeqWatcher } from '../helpers/seq-watcher.js';
import { freshPostgresDatabase } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';
import { closeSims, PROBLEMS, startSims, vendorEnv, VENDORS, type Sims, type Vendor } from './providers-support.js';

const KEY = TENANT_KEYS.acme;
const LEASE_TTL_MS = 2500;
const coordinates = (n: number): number[][] => range(0, n - 1).map((i) => [Math.cos(i) * 100 + i, Math.sin(i * 2) * 100]);

async function jobOn(node: BridgeProcess, jobId: string): Promise<Job> {
  const response = await api(node.http, 'GET', `/bridge/v1/jobs/${jobId}`, { key: KEY });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

function finishedOn(node: BridgeProcess, jobId: string): Promise<Job> {
  return waitFor(async () => {
    const job = await jobOn(node, jobId);
    return FINAL_JOB_STATUSES.has(job.status) && job;
  });
}

async function storedEvents(node: BridgeProcess, jobId: string): Promise<JobEvent[]> {
  const response = await api(node.http, 'GET', `/bridge/v1/jobs/${jobId}/events?limit=1000`, { key: KEY });
  assert.equal(response.status, 200);
  return response.body.events;
}

/** Gap-free and duplicate-free from 1, and the hash chain intact over all of it. */
async function assertIntactRecord(node: BridgeProcess, jobId: string): Promise<JobEvent[]> {
  const events = await storedEvents(node, jobId);
  assert.deepEqual(events.map((e) => e.seq), range(1, events.length), 'stored seqs have no gap and no duplicate');
  const audit = await api(node.http, 'GET', `/bridge/v1/jobs/${jobId}/audit`, { key: KEY });
  assert.equal(audit.body.intact, true, JSON.stringify(audit.body));
  return events;
}

/** What every watcher saw, checked against the record: all of it once in order, JAOT from where it joined. */
function assertEveryEventOnce(watchers: SeqWatcher[], lastSeq: number, label: string): void {
  for (const watcher of watchers) {
    const { dialect, seqs } = watcher;
    if (dialect === 'jaot') {
      assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), `${label} jaot: in order, none twice`);
      assert.equal(seqs.at(-1), lastSeq, `${label} jaot: reaches the end`);
    } else {
      assert.deepEqual(seqs, range(1, lastSeq), `${label} ${dialect}: every event once, in order`);
    }
  }
}

async function submitTspTo(node: BridgeProcess, timeLimitS: number, seed = 1): Promise<string> {
  const response = await api(node.http, 'POST', '/v1/optimize/tsp', { key: KEY, body: { coordinates: coordinates(40), time_limit_s: timeLimitS, seed } });
  assert.equal(response.status, 202, JSON.stringify(response.body));
  return response.body.job_id;
}

async function submitVendorTo(node: BridgeProcess, vendor: Vendor): Promise<string> {
  const provider = { 'x-bridge-provider': vendor };
  if (vendor === 'nerox') {
    const response = await api(node.http, 'POST', '/v1/optimize/tsp', { key: KEY, body: { distance_matrix: [[0, 3, 4], [3, 0, 2], [4, 2, 0]], provider: 'nerox' } });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    return response.body.job_id;
  }
  if (vendor === 'jaot') {
    const model = PROBLEMS.jaot.kind === 'lp' ? PROBLEMS.jaot.model : {};
    const response = await api(node.http, 'POST', '/api/v2/solve/async', { key: KEY, body: model, headers: provider });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    return response.body.task_id;
  }
  if (vendor === 'matcraft') {
    const response = await api(node.http, 'POST', '/api/v1/campaigns', { key: KEY, body: { name: 'membrane', objectives: ['permeability'] }, headers: provider });
    assert.ok(response.status < 300, JSON.stringify(response.body));
    return response.body.id;
  }
  const response = await api(node.http, 'POST', '/api/optimization/jobs', { key: KEY, body: { promptId: 'prompt_1', datasetId: 'dataset_1' }, headers: provider });
  assert.ok(response.status < 300, JSON.stringify(response.body));
  return response.body.jobId;
}

async function ownerOf(databaseUrl: string, jobId: string): Promise<{ node: string | null; epoch: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('select owner_node, owner_epoch from jobs where id = $1', [jobId]);
    return { node: rows[0].owner_node, epoch: rows[0].owner_epoch };
  } finally {
    await client.end();
  }
}

async function scrape(node: BridgeProcess): Promise<ReturnType<typeof parsePrometheusTextFormat>> {
  const response = await fetch(`${node.http}/metrics`);
  assert.equal(response.status, 200);
  return parsePrometheusTextFormat(await response.text());
}

function counter(families: ReturnType<typeof parsePrometheusTextFormat>, name: string): number {
  const family = families.find((f) => f.name === name);
  return (family?.metrics ?? []).reduce((sum, m) => sum + Number((m as { value?: string }).value ?? 0), 0);
}

describe('cluster: three nodes on one Postgres and one Redis', () => {
  let database: { url: string; drop: () => Promise<void> };
  let redis: RedisServer;
  let sims: Sims;
  let nodes: BridgeProcess[] = [];

  before(async () => {
    [database, redis, sims] = await Promise.all([freshPostgresDatabase(), startRedisServer(), startSims()]);
    for (const vendor of VENDORS) sims[vendor].jobDefaults = { events: 30, intervalMs: 60 };
  });

  after(async () => {
    await stopCluster(nodes);
    await closeSims(sims);
    await redis.stop();
    await database.drop();
  });

  const start = async (): Promise<BridgeProcess[]> => {
    await stopCluster(nodes);
    nodes = await startCluster({ nodes: 3, databaseUrl: database.url, redisUrl: redis.url, leaseTtlMs: LEASE_TTL_MS, env: vendorEnv(sims) });
    return nodes;
  };

  test('one job of each provider: one upstream session or solver run in the cluster, every client gets every event once and in order', async () => {
    const cluster = await start();
    const submitted = [
      { provider: 'builtin', jobId: await submitTspTo(cluster[0]!, 2) },
      ...(await Promise.all(VENDORS.map(async (vendor, i) => ({ provider: vendor, jobId: await submitVendorTo(cluster[i % 3]!, vendor) })))),
    ];
    // One job's watchers at a time: MatCraft allows a key 10 sockets in the whole cluster, and watchers that
    // join after the start still get everything with ?after=0 / afterEventId 0.
    for (const { provider, jobId } of submitted) {
      const watchers = cluster.flatMap((node) => STREAM_DIALECTS.map((dialect) => watchSeqs(node.ws, dialect, jobId, 0)));
      const job = await finishedOn(cluster[2]!, jobId);
      assert.equal(job.status, 'completed', `${provider}: ${JSON.stringify(job.error)}`);
      const events = await assertIntactRecord(cluster[1]!, jobId);
      await waitFor(() => watchers.every((w) => w.seqs.at(-1) === events.length));
      assertEveryEventOnce(watchers, events.length, provider);
      for (const watcher of watchers) watcher.close();
      await Promise.all(watchers.map((w) => w.closed));
      if (provider === 'builtin') assert.equal(events.filter((e) => e.type === 'started').length, 1, 'one solver run');
      else {
        const sim = sims[provider as Vendor];
        assert.equal(sim.connectionsFor(job.upstreamId!), 1, `${provider}: one upstream subscription in the whole cluster`);
        const creates = Object.entries(sim.stats.requests).filter(([route]) => route.startsWith('POST') && !route.includes('cancel'));
        assert.ok(creates.every(([, count]) => count === 1), `${provider}: created once upstream: ${JSON.stringify(creates)}`);
      }
    }

    const families = await Promise.all(cluster.map(scrape));
    const published = families.reduce((sum, f) => sum + counter(f, 'optbridge_events_published_total'), 0);
    const stored = (await Promise.all(submitted.map(({ jobId }) => storedEvents(cluster[0]!, jobId)))).reduce((sum, e) => sum + e.length, 0);
    assert.equal(published, stored, 'each stored event published once, by its owner');
    assert.ok(families.every((f) => counter(f, 'optbridge_messages_delivered_total') > 0), 'every node delivered to its own clients');
    assert.ok(families.reduce((sum, f) => sum + counter(f, 'optbridge_lease_acquisitions_total'), 0) >= submitted.length);
  });

  test('MatCraft’s 10 sockets per key hold across the cluster', async () => {
    const cluster = nodes.length === 3 ? nodes : await start();
    // A running job: MatCraft's socket to a finished campaign closes after its last message.
    const jobId = await submitTspTo(cluster[0]!, 60);
    const open = range(0, 9).map((i) => new WebSocket(`${cluster[i % 3]!.ws}/api/v1/ws/campaigns/${jobId}?token=${KEY}`));
    const messages = open.map((ws) => new Promise((resolve) => ws.once('message', resolve)));
    await Promise.all(messages);
    for (const node of cluster) {
      const eleventh = new WebSocket(`${node.ws}/api/v1/ws/campaigns/${jobId}?token=${KEY}`);
      const [code] = await new Promise<[number, string]>((resolve) => eleventh.on('close', (c, r) => resolve([c, r.toString()])));
      assert.equal(code, 4029, 'the 11th socket of the key is refused on every node');
    }
    open[0]!.close();
    await new Promise((resolve) => open[0]!.once('close', resolve));
    const freed = new WebSocket(`${cluster[2]!.ws}/api/v1/ws/campaigns/${jobId}?token=${KEY}`);
    await new Promise((resolve) => freed.once('message', resolve));
    for (const ws of [...open, freed]) ws.close();
    assert.equal((await api(cluster[1]!.http, 'POST', `/v1/jobs/${jobId}/cancel`, { key: KEY })).status, 202, 'a cancel sent to another node reaches the owner');
    assert.equal((await finishedOn(cluster[1]!, jobId)).status, 'cancelled');
  });

  test('kill -9 of the owner mid-job: another node takes its jobs over, they complete, and its clients catch up elsewhere', async () => {
    const cluster = await start();
    const builtin = await submitTspTo(cluster[0]!, 6);
    const owner = await waitFor(async () => (await ownerOf(database.url, builtin)).node ?? undefined);
    const dead = cluster[Number(owner.split('-')[1]) - 1]!;
    const survivor = cluster.find((node) => node !== dead)!;
    const vendor = await submitVendorTo(dead, 'nerox');
    sims.nerox.jobDefaults = { events: 60, intervalMs: 60 };
    const jobIds = [builtin, vendor];
    const onDead = jobIds.map((jobId) => STREAM_DIALECTS.map((dialect) => watchSeqs(dead.ws, dialect, jobId, 0)));
    const elsewhere = jobIds.map((jobId) => STREAM_DIALECTS.map((dialect) => watchSeqs(survivor.ws, dialect, jobId, 0)));
    await waitFor(() => onDead.every((group) => group.every((w) => w.seqs.length >= 2)));
    const epochs = await Promise.all(jobIds.map((jobId) => ownerOf(database.url, jobId)));

    dead.child.kill('SIGKILL');
    await dead.exited;
    for (const [i, jobId] of jobIds.entries()) {
      const taken = await waitFor(async () => {
        const now = await ownerOf(database.url, jobId);
        return now.node !== owner && now;
      });
      assert.ok(taken.epoch > epochs[i]!.epoch, 'the takeover raised the fencing epoch');
      const job = await finishedOn(survivor, jobId);
      assert.equal(job.status, 'completed', JSON.stringify(job.error));
      const events = await assertIntactRecord(survivor, jobId);
      await waitFor(() => elsewhere[i]!.every((w) => w.seqs.at(-1) === events.length));
      assertEveryEventOnce(elsewhere[i]!, events.length, `${jobId} on a surviving node`);
      // The dead node's clients reconnect to any node with their last seq, as their docs resume.
      const resumed = onDead[i]!.map((w) => watchSeqs(survivor.ws, w.dialect, jobId, w.seqs.at(-1) ?? 0));
      await waitFor(() => resumed.every((w) => w.seqs.at(-1) === events.length));
      for (const [d, w] of onDead[i]!.entries()) {
        const seen = [...w.seqs, ...resumed[d]!.seqs];
        if (w.dialect === 'jaot') assert.equal(seen.at(-1), events.length);
        else assert.deepEqual(seen, range(1, events.length), `${w.dialect}: every event once across the node's death`);
      }
      for (const w of [...elsewhere[i]!, ...resumed]) w.close();
    }
    const takeovers = (await Promise.all(cluster.filter((n) => n !== dead).map(scrape))).reduce((sum, f) => sum + counter(f, 'optbridge_takeovers_total'), 0);
    assert.ok(takeovers >= 2, `takeovers counted: ${takeovers}`);
  });

  test('SIGSTOP of the owner past its lease, then SIGCONT: the job was taken over and the old owner’s writes are refused', async () => {
    const cluster = await start();
    const jobId = await submitTspTo(cluster[0]!, 8);
    const owner = await waitFor(async () => (await ownerOf(database.url, jobId)).node ?? undefined);
    const paused = cluster[Number(owner.split('-')[1]) - 1]!;
    const watchers = cluster.filter((n) => n !== paused).flatMap((node) => STREAM_DIALECTS.map((dialect) => watchSeqs(node.ws, dialect, jobId, 0)));
    await waitFor(() => watchers.every((w) => w.seqs.length >= 2));

    paused.child.kill('SIGSTOP');
    await waitFor(async () => (await ownerOf(database.url, jobId)).node !== owner);
    // The stopped node accepts connections but answers nothing: ask a live one.
    const live = cluster.find((n) => n !== paused)!;
    const stored = (await storedEvents(live, jobId)).length;
    await waitFor(async () => (await storedEvents(live, jobId)).length > stored + 1);
    paused.child.kill('SIGCONT');

    await waitFor(() => paused.output().includes(`stopped job ${jobId} on node ${owner}`));
    const job = await finishedOn(paused, jobId);
    assert.equal(job.status, 'completed');
    const events = await assertIntactRecord(paused, jobId);
    assert.equal(events.filter((e) => e.type === 'started').length, 2, 'one start by the first owner, one by the node that took over');
    await waitFor(() => watchers.every((w) => w.seqs.at(-1) === events.length));
    assertEveryEventOnce(watchers, events.length, 'after the pause');
    for (const w of watchers) w.close();
    assert.ok(counter(await scrape(paused), 'optbridge_lease_losses_total') >= 1, 'the old owner counted its lost lease');
  });

  test('Redis restarting mid-job: the job completes on its owner, nothing lost or doubled, /readyz says what is degraded', async () => {
    const cluster = await start();
    const jobId = await submitTspTo(cluster[0]!, 5);
    const owner = await waitFor(async () => (await ownerOf(database.url, jobId)).node ?? undefined);
    const others = cluster.filter((n) => n !== cluster[Number(owner.split('-')[1]) - 1]);
    const watchers = others.flatMap((node) => STREAM_DIALECTS.map((dialect) => watchSeqs(node.ws, dialect, jobId, 0)));
    await waitFor(() => watchers.every((w) => w.seqs.length >= 2));

    await redis.stop();
    const degraded = await waitFor(async () => {
      const ready = await api(others[0]!.http, 'GET', '/readyz');
      return ready.body.status === 'degraded' && ready;
    });
    assert.deepEqual([degraded.status, degraded.body.redis, degraded.body.degraded], [200, false, ['redis']]);
    const before = (await storedEvents(others[0]!, jobId)).length;
    await waitFor(async () => (await storedEvents(others[0]!, jobId)).length > before + 1);
    await redis.start();

    const job = await finishedOn(others[1]!, jobId);
    assert.equal(job.status, 'completed');
    const events = await assertIntactRecord(others[1]!, jobId);
    assert.equal(events.filter((e) => e.type === 'started').length, 1, 'the job ran once, on its owner, throughout');
    assert.equal((await ownerOf(database.url, jobId)).node, owner);
    await waitFor(() => watchers.every((w) => w.seqs.at(-1) === events.length));
    assertEveryEventOnce(watchers, events.length, 'across the Redis restart');
    for (const w of watchers) w.close();
    assert.equal((await api(others[0]!.http, 'GET', '/readyz')).body.status, 'ready');
  });

  test('20 built-in jobs submitted to one node run on every node’s solver threads', async () => {
    const cluster = await start();
    const jobIds = await Promise.all(range(1, 20).map((seed) => submitTspTo(cluster[0]!, 1, seed)));
    const jobs = await Promise.all(jobIds.map((jobId) => finishedOn(cluster[0]!, jobId)));
    assert.ok(jobs.every((job) => job.status === 'completed'), JSON.stringify(jobs.map((j) => j.status)));
    const owners = new Set((await Promise.all(jobIds.map((jobId) => ownerOf(database.url, jobId)))).map((o) => o.node));
    assert.deepEqual([...owners].sort(), ['node-1', 'node-2', 'node-3']);
    const families = await scrape(cluster[1]!);
    assert.ok(families.some((f) => f.name === 'optbridge_queue_length'), 'the queue length is a metric');
  });
});
