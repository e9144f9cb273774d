/**
 * A storm process of the end-to-end fan-out bench: opens its share of the storm's sockets evenly over the spread
 * (raw TCP, `raw-websocket.ts`), then leaves what they are sent in the kernel's receive buffers. Real storm clients
 * run on other machines; here they share two cores with the server and the measured clients, so they are made as
 * cheap as a client can be and kept out of the measured clients' processes, whose event loops would otherwise
 * stall on the handshakes and be counted as the server's latency. They are real subscribers all the same: the
 * server encodes for them and writes every event to each (a storm's few seconds of events fit the kernel's
 * buffers), but reading it in Node would cost about 10 µs per message and socket, close to a core at 3 000 × 20
 * events/s. Their CPU is reported.
 */
import { openRawWebSocket } from '../raw-websocket.js';

export type StormRequest = { type: 'connect'; url: string; count: number; spreadMs: number };
export type StormReply = { type: 'connected'; opened: number; failed: number; cpuMicros: number };

function open(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = openRawWebSocket(
      url,
      (upgraded) => {
        upgraded.pause();
        resolve(true);
      },
      () => resolve(false),
    );
    socket.once('error', () => resolve(false));
  });
}

async function connect({ url, count, spreadMs }: StormRequest): Promise<void> {
  const cpuAtStart = process.cpuUsage();
  const started = performance.now();
  const outcomes: Promise<boolean>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * spreadMs) / count;
    if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    outcomes.push(open(url));
  }
  const opened = (await Promise.all(outcomes)).filter(Boolean).length;
  const cpu = process.cpuUsage(cpuAtStart);
  process.send!({ type: 'connected', opened, failed: count - opened, cpuMicros: cpu.user + cpu.system } satisfies StormReply);
}

process.on('message', (request: StormRequest) => void connect(request));
process.on('disconnect', () => process.exit(0));
