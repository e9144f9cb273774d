/**
 * One client process of the end-to-end fan-out bench: opens sockets, parses every message as a real client does,
 * and records, for the messages whose vendor timestamp falls in a window, the latency from that timestamp to
 * arrival, each seq's first and last arrival (for the cross-client skew) and seq gaps. A connection storm's
 * sockets are opened elsewhere (`storm-clients.ts`), so these measure only the sockets already connected.
 */
import WebSocket from 'ws';
import { LatencyHistogram, type SparseHistogram } from './stats.js';

export type ClientRequest =
  | { type: 'connect'; url: string; count: number }
  | { type: 'window'; name: string; from: number; to: number }
  | { type: 'report'; name: string };
export interface WindowReport {
  received: number;
  gaps: number;
  latency: SparseHistogram;
  /** seq → [first arrival, last arrival], epoch ms. */
  arrivals: Array<[seq: number, first: number, last: number]>;
  cpuMicros: number;
  windowMs: number;
}
export type ClientReply = { type: 'connected'; opened: number; failed: number } | { type: 'report'; name: string; report: WindowReport };

const CONCURRENT_HANDSHAKES = 200;

interface Window {
  from: number;
  to: number;
  received: number;
  gaps: number;
  latency: LatencyHistogram;
  arrivals: Map<number, [number, number]>;
  cpuAtStart: NodeJS.CpuUsage;
  cpuMicros: number;
}

const windows = new Map<string, Window>();
const sockets: WebSocket[] = [];
const reply = (message: ClientReply) => process.send!(message);
const now = () => performance.timeOrigin + performance.now();

function onMessage(lastSeq: { value: number }, data: WebSocket.RawData): void {
  const arrived = now();
  const message = JSON.parse(String(data));
  if (message.type !== 'progress') return;
  const sentAt = Date.parse(message.timestamp);
  const seq: number = message.x_bridge.seq;
  const gap = lastSeq.value > 0 && seq !== lastSeq.value + 1;
  lastSeq.value = seq;
  for (const window of windows.values()) {
    if (sentAt < window.from || sentAt >= window.to) continue;
    window.received++;
    if (gap) window.gaps++;
    window.latency.record(arrived - sentAt);
    const seen = window.arrivals.get(seq);
    if (seen) seen[1] = Math.max(seen[1], arrived);
    else window.arrivals.set(seq, [arrived, arrived]);
  }
}

function open(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const lastSeq = { value: 0 };
    ws.on('message', (data) => onMessage(lastSeq, data));
    ws.once('open', () => resolve(true));
    ws.once('error', () => resolve(false));
    sockets.push(ws);
  });
}

/** Opens `count` sockets, at most CONCURRENT_HANDSHAKES at a time. */
async function connect(url: string, count: number): Promise<void> {
  const results: Promise<boolean>[] = [];
  const pending = new Set<Promise<boolean>>();
  for (let i = 0; i < count; i++) {
    if (pending.size >= CONCURRENT_HANDSHAKES) await Promise.race(pending);
    const opened = open(url);
    pending.add(opened);
    void opened.then(() => pending.delete(opened));
    results.push(opened);
  }
  const outcomes = await Promise.all(results);
  const opened = outcomes.filter(Boolean).length;
  reply({ type: 'connected', opened, failed: count - opened });
}

process.on('message', (request: ClientRequest) => {
  if (request.type === 'connect') void connect(request.url, request.count);
  else if (request.type === 'window') {
    const window: Window = {
      from: request.from, to: request.to, received: 0, gaps: 0, latency: new LatencyHistogram(),
      arrivals: new Map(), cpuAtStart: process.cpuUsage(), cpuMicros: 0,
    };
    windows.set(request.name, window);
    setTimeout(() => {
      const used = process.cpuUsage(window.cpuAtStart);
      window.cpuMicros = used.user + used.system;
    }, Math.max(0, request.to - now()));
  } else {
    const window = windows.get(request.name)!;
    windows.delete(request.name);
    const arrivals = [...window.arrivals].map(([seq, [first, last]]): [number, number, number] => [seq, first, last]);
    // A process saturated by its sockets may serve the report before the window's own timer.
    const cpuMicros = window.cpuMicros || ((used) => used.user + used.system)(process.cpuUsage(window.cpuAtStart));
    const report = { received: window.received, gaps: window.gaps, latency: window.latency.sparse(), arrivals, cpuMicros, windowMs: window.to - window.from };
    reply({ type: 'report', name: request.name, report });
  }
});
process.on('disconnect', () => process.exit(0));
