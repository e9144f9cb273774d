/**
 * Fan-out cost on the server: the bridge's path (one encoding per event, uWS topic publish of the same
 * bytes to every subscriber) against the common baseline (the `ws` library, serialising per client),
 * both measured in the same run as server CPU microseconds per delivered message.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { JobEvent } from '../../src/core/event.js';
import { Fanout, topicOf } from '../../src/hub/fanout.js';
import { loadNativeUws } from '../../src/server/uws.js';
import { encodeNerox } from '../../adapters/nerox/encode.js';

const CLIENTS = Number(process.env.BENCH_FANOUT_CLIENTS ?? 200);
const EVENTS = Number(process.env.BENCH_FANOUT_EVENTS ?? 300);
const CLIENTS_SCRIPT = fileURLToPath(new URL('./fanout-clients.ts', import.meta.url));

function event(seq: number): JobEvent {
  return {
    jobId: 'job_bench', seq, type: 'progress', at: new Date(1_700_000_000_000 + seq * 500).toISOString(),
    iteration: seq * 1000, objective: 420 - seq / 100, bestObjective: 410 - seq / 100,
    bestSolution: Array.from({ length: 100 }, (_, i) => (i * 37 + seq) % 100), temperature: 1 / seq,
  };
}

/** Starts the client process, waits until all sockets are open, runs `publishAll`, returns server CPU µs. */
async function measure(url: string, publishAll: () => void): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLIENTS_SCRIPT, url, String(CLIENTS), String(EVENTS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = (async function* () {
    let buffer = '';
    for await (const chunk of child.stdout!) {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        yield buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
      }
    }
  })();
  const next = async (expected: string) => {
    const { value } = await lines.next();
    if (value !== expected) throw new Error(`fan-out clients said ${value}, expected ${expected}`);
  };
  await next('ready');
  const before = process.cpuUsage();
  publishAll();
  await next('done');
  const used = process.cpuUsage(before);
  child.kill();
  return used.user + used.system;
}

async function bridgePath(): Promise<number> {
  const uws = loadNativeUws();
  const app = uws.App();
  const fanout = new Fanout(
    { publish: (topic, message) => void app.publish(topic, message), subscriberCount: (topic) => app.numSubscribers(topic) },
    new Map([['nerox', encodeNerox]]),
  );
  app.ws('/stream', {
    maxBackpressure: 64 * 1024 * 1024,
    open: (ws) => void ws.subscribe(topicOf('nerox', 'job_bench')),
  });
  const listen = await new Promise<any>((resolve) => app.listen('127.0.0.1', 0, resolve));
  const port = uws.us_socket_local_port(listen);
  try {
    return await measure(`ws://127.0.0.1:${port}/stream`, () => {
      for (let seq = 1; seq <= EVENTS; seq++) fanout.deliver(event(seq));
    });
  } finally {
    uws.us_listen_socket_close(listen);
    (app as unknown as { close(): void }).close();
  }
}

async function wsBaseline(): Promise<number> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.on('listening', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    return await measure(`ws://127.0.0.1:${port}`, () => {
      for (let seq = 1; seq <= EVENTS; seq++) {
        const e = event(seq);
        for (const client of server.clients) client.send(encodeNerox(e));
      }
    });
  } finally {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
}

export async function benchFanout(): Promise<{ rows: string[][] }> {
  const deliveries = CLIENTS * EVENTS;
  const baseline = (await wsBaseline()) / deliveries;
  const candidate = (await bridgePath()) / deliveries;
  return {
    rows: [
      ['fan-out', `ws, encode per client (baseline), ${CLIENTS} clients × ${EVENTS} events`, `${deliveries}`, `${baseline.toFixed(2)} µs CPU/msg`, '1.0×'],
      ['fan-out', `Fanout + uWS publish, ${CLIENTS} clients × ${EVENTS} events`, `${deliveries}`, `${candidate.toFixed(2)} µs CPU/msg`, `${(baseline / candidate).toFixed(1)}× less CPU`],
    ],
  };
}

