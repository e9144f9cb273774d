import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { canonicalJson } from '../../src/core/canonical.js';
import { chainHash } from '../../src/store/event-chain.js';
import { api, openTestStore, startTestBridge, TENANT_KEYS, type StoreHandle, type TestBridge } from '../helpers/bridge.js';
import { runCli, startCli } from '../helpers/cli.js';
import { PRODUCTION_PLANNING } from '../helpers/doc-messages.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { collect } from '../helpers/ws-client.js';

const TSPLIB = `NAME : square6
TYPE : TSP
DIMENSION : 6
EDGE_WEIGHT_TYPE : EUC_2D
NODE_COORD_SECTION
1 0 0
2 30 0
3 30 40
4 0 40
5 10 20
6 20 20
EOF
`;

const GSET = '4 4\n1 2 1\n2 3 1\n3 4 1\n4 1 1\n';
const INFEASIBLE_LP = {
  name: 'infeasible',
  objective: { sense: 'maximize', expression: 'x' },
  variables: [{ name: 'x', type: 'continuous', lower_bound: 0, upper_bound: 10 }],
  constraints: [{ name: 'low', expression: 'x >= 5' }, { name: 'high', expression: 'x <= 3' }],
};

describe('optbridge CLI against a real bridge', () => {
  let store: StoreHandle;
  let bridge: TestBridge;
  let dir: string;
  let env: Record<string, string>;
  let tspJob: string;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const cli = (...args: string[]) => runCli(args, env);
  const raw = async (path: string) =>
    (await fetch(bridge.http + path, { headers: { authorization: `Bearer ${TENANT_KEYS.acme}` } })).text();
  const jobOf = async (id: string) => (await api(bridge.http, 'GET', `/bridge/v1/jobs/${id}`, { key: TENANT_KEYS.acme })).body;

  before(async () => {
    store = await openTestStore('postgres');
    bridge = await startTestBridge(store);
    dir = mkdtempSync(join(tmpdir(), 'optbridge-cli-'));
    env = { OPTBRIDGE_URL: bridge.http, OPTBRIDGE_KEY: TENANT_KEYS.acme };
    const submitted = await cli('submit', 'tsp', '--file', file('square6.tsp', TSPLIB), '--time-limit', '0.6');
    assert.equal(submitted.code, 0, submitted.stderr);
    tspJob = submitted.stdout.trim();
  });

  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await bridge.close();
    await store.dispose();
  });

  test('submit reads TSPLIB as it is; watch follows it to completion with a progress line on stderr, exit 0', async () => {
    assert.match(tspJob, /^job_/);
    const watched = await cli('watch', tspJob);
    assert.equal(watched.code, 0, watched.stderr);
    const job = await jobOf(tspJob);
    assert.equal(watched.stdout, `completed: objective ${job.result.objective} in ${job.result.runtimeS.toFixed(2)}s\n`);
    // EUC_2D distances rounded as TSPLIB prescribes: the problem went as the matrix of the file's metric.
    assert.deepEqual(job.problem.distances[0].slice(0, 3), [0, 30, 50]);
    assert.match(watched.stderr, /best \d+ \| \d+s elapsed \| ETA \d+s \| [▁▂▃▄▅▆▇█]+/);
    assert.doesNotMatch(watched.stderr, /\x1b\[/, 'no escape codes when stderr is not a terminal');
  });

  test('jobs prints a table (and --json the page); show prints the job', async () => {
    const listed = await cli('jobs');
    assert.equal(listed.code, 0, listed.stderr);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    assert.match(header!, /^ID\s+PROVIDER\s+KIND\s+STATUS\s+CREATED\s+DURATION\s+OBJECTIVE$/);
    assert.ok(rows.some((row) => row.startsWith(tspJob) && /builtin\s+tsp\s+completed/.test(row)), listed.stdout);
    const page = JSON.parse((await cli('jobs', '--json', '--limit', '1')).stdout);
    assert.equal(page.jobs.length, 1);
    const shown = await cli('show', tspJob);
    assert.match(shown.stdout, new RegExp(`^id\\s+${tspJob}\\n`));
    assert.match(shown.stdout, /\nstatus\s+completed\n/);
    assert.equal(JSON.parse((await cli('show', tspJob, '--json')).stdout).problem.kind, 'tsp');
  });

  test('events exports NDJSON and CSV exactly as the bridge does, --after respected', async () => {
    assert.equal((await cli('events', tspJob)).stdout, await raw(`/bridge/v1/jobs/${tspJob}/events?format=ndjson`));
    assert.equal((await cli('events', tspJob, '--format', 'csv')).stdout, await raw(`/bridge/v1/jobs/${tspJob}/events?format=csv`));
    const tail = (await cli('events', tspJob, '--after', '2')).stdout.trimEnd().split('\n');
    assert.equal(JSON.parse(tail[0]!).seq, 3);
    const nerox = await collect(`${bridge.ws}/v1/jobs/${tspJob}/stream?token=${TENANT_KEYS.acme}&after=0`);
    assert.equal((await cli('events', tspJob, '--dialect', 'nerox')).stdout, nerox.texts.map((text) => `${text}\n`).join(''));
  });

  for (const dialect of ['nerox', 'jaot', 'matcraft'] as const) {
    test(`replay --dialect ${dialect} prints byte for byte what that dialect's client receives`, async () => {
      const path = { nerox: `/v1/jobs/${tspJob}/stream`, jaot: `/api/v2/ws/executions/${tspJob}`, matcraft: `/api/v1/ws/campaigns/${tspJob}` }[dialect];
      const client = await collect(`${bridge.ws}${path}?token=${TENANT_KEYS.acme}&replay=1&speed=0`);
      const replayed = await cli('replay', tspJob, '--dialect', dialect, '--speed', '0');
      assert.equal(replayed.code, 0, replayed.stderr);
      assert.ok(client.texts.length > 2);
      assert.equal(replayed.stdout, client.texts.map((text) => `${text}\n`).join(''));
    });
  }

  test("replay --dialect mutagent prints the subscription's messages byte for byte, ending at the terminal event", async () => {
    const client = await collect(`${bridge.ws}/ws/optimization?token=${TENANT_KEYS.acme}&replay=1&speed=0`, {
      onOpen: (ws) => ws.send(JSON.stringify({ type: 'subscribe', jobId: tspJob })),
      onMessage: (message, ws) => {
        if (message.type === 'event' && message.event.eventType === 'job_completed') ws.close();
      },
    });
    const replayed = await cli('replay', tspJob, '--dialect', 'mutagent', '--speed', '0');
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.ok(client.texts.length > 2);
    assert.equal(replayed.stdout, client.texts.map((text) => `${text}\n`).join(''));
    const tail = (await cli('replay', tspJob, '--dialect', 'mutagent', '--speed', '0', '--after', '2')).stdout.trimEnd().split('\n');
    assert.equal(JSON.parse(tail[1]!).event.id, 3);
    const nerox = (await cli('replay', tspJob, '--dialect', 'nerox', '--speed', '0', '--after', '2')).stdout.trimEnd().split('\n');
    assert.equal(JSON.parse(nerox[0]!).x_bridge.seq, 3);
  });

  test('watch exits 2 for a cancelled job and 3 for a failed one', async () => {
    const long = (await cli('submit', 'tsp', '--file', file('long.tsp', TSPLIB), '--time-limit', '60')).stdout.trim();
    const watching = startCli(['watch', long], env);
    await watching.stderrMatches(/elapsed/);
    assert.equal((await api(bridge.http, 'POST', `/v1/jobs/${long}/cancel`, { key: TENANT_KEYS.acme })).status, 202);
    const cancelled = await watching.done;
    assert.equal(cancelled.code, 2, cancelled.stderr);
    assert.equal(cancelled.stdout, 'cancelled\n');

    const lp = (await cli('submit', 'lp', '--file', file('infeasible.json', JSON.stringify(INFEASIBLE_LP)))).stdout.trim();
    const failed = await cli('watch', lp);
    assert.equal(failed.code, 3, failed.stderr);
    assert.match(failed.stdout, /^failed: infeasible: /);
  });

  test('submit maxcut reads G-set text and lp reads JAOT JSON, both as they are', async () => {
    const maxcut = (await cli('submit', 'maxcut', '--file', file('ring.gset', GSET), '--time-limit', '0.5')).stdout.trim();
    const watched = await cli('watch', maxcut);
    assert.equal(watched.stdout, `completed: objective -4 in ${(await jobOf(maxcut)).result.runtimeS.toFixed(2)}s\n`);
    const lp = await cli('submit', 'lp', '--file', file('plan.json', JSON.stringify(PRODUCTION_PLANNING)), '--json');
    const { id } = JSON.parse(lp.stdout);
    assert.equal(JSON.parse((await cli('watch', id, '--json')).stdout).result.objective, 3550);
  });

  test('verify: intact exits 0 with the head; a changed event exits 2 naming its seq; --head catches a hidden truncation', async () => {
    const intact = await cli('verify', tspJob);
    assert.equal(intact.code, 0, intact.stderr);
    const match = /^intact: (\d+) events, head seq (\d+) ([0-9a-f]{64}) \(recomputed here too\)\n$/.exec(intact.stdout);
    assert.ok(match, intact.stdout);
    assert.equal(match[1], match[2]);
    const both = JSON.parse((await cli('verify', tspJob, '--json')).stdout);
    assert.deepEqual(both.recomputed.head, both.head);

    const db = bridge.bridge.database.db;
    await sql`update events set event = event || '{"objective": 0}'::jsonb where job_id = ${tspJob} and seq = 2`.execute(db);
    const broken = await cli('verify', tspJob);
    assert.equal(broken.code, 2);
    assert.match(broken.stdout, /^broken at seq 2: event 2 does not match its hash/);
    assert.equal(JSON.parse((await cli('verify', tspJob, '--json')).stdout).broken_at, 2);

    const qubo = file('q.json', JSON.stringify({ Q: [[-1, 2], [0, -1]] }));
    const other = (await cli('submit', 'qubo', '--file', qubo, '--time-limit', '0.5')).stdout.trim();
    await cli('watch', other);
    const kept = /head seq \d+ ([0-9a-f]{64})/.exec((await cli('verify', other)).stdout)![1]!;
    await sql`delete from events where job_id = ${other} and seq = (select max(seq) from events where job_id = ${other})`.execute(db);
    await sql`update jobs set last_seq = last_seq - 1 where id = ${other}`.execute(db);
    assert.equal((await cli('verify', other)).code, 0, 'the chain alone cannot see a consistent truncation');
    const truncated = await cli('verify', other, '--head', kept);
    assert.equal(truncated.code, 2);
    assert.match(truncated.stdout, /does not contain head/);
  });

  test('verify --head catches a chain rewritten end to end; the recomputation catches an audit that lies', async () => {
    const db = bridge.bridge.database.db;
    const qubo = file('q2.json', JSON.stringify({ Q: [[-1, 2], [0, -1]] }));
    const id = (await cli('submit', 'qubo', '--file', qubo, '--time-limit', '0.5')).stdout.trim();
    await cli('watch', id);
    const kept = /head seq \d+ ([0-9a-f]{64})/.exec((await cli('verify', id)).stdout)![1]!;
    // Someone with write access changes event 2 and recomputes every hash after it, and the job row's.
    const events = (await api(bridge.http, 'GET', `/bridge/v1/jobs/${id}/events`, { key: TENANT_KEYS.acme })).body.events;
    let hash = '';
    for (const event of events) {
      const forged = event.seq === 2 ? { ...event, stage: 'forged' } : event;
      hash = chainHash(hash, forged);
      // The stored form keeps the raw upstream message in a column of its own (the built-in solver has none),
      // and the canonical bytes the export sends in another.
      const { source, ...rest } = forged;
      const body = source ? { ...rest, source: { provider: source.provider } } : rest;
      await sql`update events set event = ${JSON.stringify(body)}::jsonb, canonical = ${canonicalJson(forged)}, hash = ${hash}
        where job_id = ${id} and seq = ${event.seq}`.execute(db);
    }
    await sql`update jobs set last_hash = ${hash} where id = ${id}`.execute(db);
    assert.equal((await cli('verify', id)).code, 0, 'a consistent rewrite passes the chain alone');
    const caught = await cli('verify', id, '--head', kept);
    assert.equal(caught.code, 2);
    assert.match(caught.stdout, /does not contain head/);

    const liar = createServer(async (request, response) => {
      const upstream = await fetch(bridge.http + request.url, { headers: { authorization: request.headers.authorization ?? '' } });
      let body = await upstream.text();
      if (request.url!.includes('/audit')) body = body.replace(/"hash":"[0-9a-f]{64}"/, `"hash":"${'0'.repeat(64)}"`);
      response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    try {
      const lied = await runCli(['verify', id, '--url', `http://127.0.0.1:${(liar.address() as AddressInfo).port}`], env);
      assert.equal(lied.code, 2, lied.stderr);
      assert.match(lied.stdout, /^broken the served events hash to seq \d+ [0-9a-f]{64}, but the audit reports head seq \d+ 0{64}\n$/);
    } finally {
      liar.close();
    }
  });

  test('bad input: one line on stderr and exit 1', async () => {
    const gone = await startTcpProxy(bridge.bridge.port);
    await gone.close();
    const cases: [string[], RegExp, Record<string, string>?][] = [
      [['show', 'job_doesnotexist'], /^optbridge: job job_doesnotexist not found\n$/],
      [['watch', 'job_doesnotexist'], /^optbridge: job job_doesnotexist not found\n$/],
      [['events', tspJob, '--format', 'xml'], /^optbridge: option '--format <format>' argument 'xml' is invalid\. Allowed choices are ndjson, csv\.\n$/],
      [['events', tspJob, '--after', '-1'], /^optbridge: .*--after.*must be a non-negative integer/],
      [['events', tspJob, '--format', 'csv', '--dialect', 'jaot'], /^optbridge: dialect= is only available with format=ndjson\n$/],
      [['submit', 'tsp', '--file', join(dir, 'missing.tsp')], /^optbridge: cannot read .*missing\.tsp: ENOENT\n$/],
      [['submit', 'tsp', '--file', file('bad.tsp', 'NAME : x\nDIMENSION : two\n')], /^optbridge: .*DIMENSION is missing or not a positive integer\n$/],
      [['submit', 'ising', '--file', file('i.json', '{}')], /^optbridge: command-argument value 'ising' is invalid/],
      [['replay', tspJob, '--dialect', 'jaot', '--after', '2'], /^optbridge: JAOT's stream takes no after: its replay starts at the beginning\n$/],
      [['replay', tspJob, '--dialect', 'other'], /^optbridge: option '--dialect <dialect>' argument 'other' is invalid/],
      [['replay', 'job_doesnotexist', '--dialect', 'nerox'], /^optbridge: job job_doesnotexist not found\n$/],
      [['replay', 'job_doesnotexist', '--dialect', 'mutagent'], /^optbridge: Job not found\n$/],
      [['verify', tspJob, '--head', 'abc'], /^optbridge: head must be a sha256 hash/],
      [['jobs'], /^optbridge: invalid or missing API key\n$/, { OPTBRIDGE_KEY: 'wrong-key' }],
      [['jobs'], /^optbridge: no API key: pass --key or set OPTBRIDGE_KEY\n$/, { OPTBRIDGE_KEY: '' }],
      [['jobs', '--url', gone.url], /^optbridge: cannot reach the bridge at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\n$/],
    ];
    for (const [args, expected, extra] of cases) {
      const run = await runCli(args, { ...env, ...extra });
      assert.equal(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, expected, args.join(' '));
      assert.equal(run.stderr.trimEnd().split('\n').length, 1, `one line for ${args.join(' ')}`);
      assert.equal(run.stdout, '', `nothing on stdout for ${args.join(' ')}`);
    }
  });

  test('--help works on every command', async () => {
    for (const command of ['', 'jobs', 'show', 'submit', 'events', 'watch', 'replay', 'verify']) {
      const run = await cli(...(command ? [command] : []), '--help');
      assert.equal(run.code, 0, command);
      assert.match(run.stdout, new RegExp(`^Usage: optbridge${command ? ` ${command}` : ''} `), command);
    }
  });
});
