import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { PROJECT_ROOT } from '../../src/config/paths.js';
import { openTestStore, startTestBridge, submitTsp, TENANT_KEYS, type StoreHandle, type TestBridge } from '../helpers/bridge.js';

/**
 * The target is 100 ms per closing handshake; the bound leaves ten times that for a loaded 2-core machine.
 * The failure it guards against (a close frame sent while corked, so uWS never shut the socket down) held
 * every client for 3 to 10 s, until the client's own close timeout.
 */
const HANDSHAKE_BOUND_MS = 1_000;

type Mode = 'live' | 'ended' | 'catch-up' | 'replay';
type Closer = 'client' | 'server';

interface Target {
  url: string;
  /** Mutagent's first frame; the job-per-URL dialects need none. */
  subscribe?: string;
}

interface DialectCase {
  name: string;
  modes: readonly Mode[];
  /** Whether the server closes after the terminal message (Mutagent's socket carries other jobs, so it stays open). */
  serverCloses: boolean;
  target(bridge: TestBridge, jobId: string, mode: Mode, key?: string): Target;
}

function query(key: string, mode: Mode, afterName: string | null): URLSearchParams {
  const params = new URLSearchParams({ token: key });
  if (mode === 'catch-up' && afterName) params.set(afterName, '0');
  if (mode === 'replay') params.set('replay', '1'), params.set('speed', '0');
  return params;
}

const CASES: readonly DialectCase[] = [
  {
    name: 'nerox',
    modes: ['live', 'ended', 'catch-up', 'replay'],
    serverCloses: true,
    target: (bridge, jobId, mode, key = TENANT_KEYS.acme) => ({ url: `${bridge.ws}/v1/jobs/${jobId}/stream?${query(key, mode, 'after')}` }),
  },
  {
    name: 'jaot',
    modes: ['live', 'ended', 'replay'],
    serverCloses: true,
    target: (bridge, jobId, mode, key = TENANT_KEYS.acme) => ({ url: `${bridge.ws}/api/v2/ws/executions/${jobId}?${query(key, mode, null)}` }),
  },
  {
    name: 'matcraft',
    modes: ['live', 'ended', 'catch-up', 'replay'],
    serverCloses: true,
    target: (bridge, jobId, mode, key = TENANT_KEYS.acme) => ({ url: `${bridge.ws}/api/v1/ws/campaigns/${jobId}?${query(key, mode, 'after')}` }),
  },
  {
    name: 'mutagent',
    modes: ['live', 'ended', 'catch-up', 'replay'],
    serverCloses: false,
    target: (bridge, jobId, mode, key = TENANT_KEYS.acme) => ({
      url: `${bridge.ws}/ws/optimization?${query(key, mode, null)}`,
      subscribe: JSON.stringify({ type: 'subscribe', jobId, ...(mode === 'catch-up' && { afterEventId: 0 }) }),
    }),
  },
];

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'campaign_complete', 'job_completed', 'job_failed', 'job_cancelled']);

/** The job's last message, or a refusal: what a doc's client waits for before it closes. */
function ends(message: any): boolean {
  if (typeof message !== 'object' || message === null) return false;
  if (TERMINAL.has(message.type) || message.type === 'error') return true;
  const events = message.type === 'event' ? [message.event] : message.type === 'replay' ? message.data : [];
  return events.some((event: any) => TERMINAL.has(event?.eventType));
}

interface Closing {
  closeMs: number | null;
  code: number;
}

function nodeClient(target: Target, closer: Closer): Promise<Closing> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(target.url);
    let endedAt: number | undefined;
    ws.on('open', () => target.subscribe && ws.send(target.subscribe));
    ws.on('message', (data) => {
      if (endedAt !== undefined) return;
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (!ends(message)) return;
      endedAt = performance.now();
      if (closer === 'client') ws.close();
    });
    ws.on('close', (code) => resolve({ closeMs: endedAt === undefined ? null : performance.now() - endedAt, code }));
    ws.on('error', reject);
  });
}

function pythonClient(target: Target, closer: Closer): Promise<Closing> {
  const script = join(PROJECT_ROOT, 'test', 'helpers', 'closing_client.py');
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [script, target.url, target.subscribe ?? '-', closer], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python client failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as Closing);
    });
  });
}

const CLIENTS = { 'Python websockets': pythonClient, 'Node ws': nodeClient } as const;

async function everyClient(targets: () => Target, closers: readonly Closer[]): Promise<[string, Closing][]> {
  const runs: Promise<[string, Closing]>[] = [];
  for (const [clientName, client] of Object.entries(CLIENTS)) {
    for (const closer of closers) runs.push(client(targets(), closer).then((closing) => [`${clientName}, ${closer} closes`, closing]));
  }
  return Promise.all(runs);
}

function assertPrompt(results: [string, Closing][], context: string): void {
  for (const [who, { closeMs, code }] of results) {
    assert.notEqual(closeMs, null, `${context}, ${who}: the job's last message never came (close ${code})`);
    assert.ok(closeMs! < HANDSHAKE_BOUND_MS, `${context}, ${who}: the closing handshake took ${closeMs!.toFixed(0)} ms`);
  }
}

describe('every stream finishes the closing handshake at once, whichever side closes', () => {
  let store: StoreHandle;
  let bridge: TestBridge;
  let finishedJob: string;

  before(async () => {
    store = await openTestStore('postgres');
    bridge = await startTestBridge(store);
    finishedJob = await submitTsp(bridge, 0.5, 11);
    await nodeClient(CASES[0]!.target(bridge, finishedJob, 'catch-up'), 'server');
  });

  after(async () => {
    await bridge.close();
    await store.dispose();
  });

  for (const dialect of CASES) {
    const closers: Closer[] = dialect.serverCloses ? ['client', 'server'] : ['client'];
    for (const mode of dialect.modes) {
      test(`${dialect.name}, ${mode}`, async () => {
        const jobId = mode === 'live' ? await submitTsp(bridge, 1.5, 12) : finishedJob;
        assertPrompt(await everyClient(() => dialect.target(bridge, jobId, mode), closers), `${dialect.name} ${mode}`);
      });
    }
    test(`${dialect.name}, a refused key: the server's close completes at once`, async () => {
      const results = await everyClient(() => dialect.target(bridge, finishedJob, 'ended', 'wrong-key-000000'), ['server']);
      assertPrompt(results, `${dialect.name} refusal`);
      for (const [who, { code }] of results) assert.equal(code, 4001, who);
    });
  }
});
