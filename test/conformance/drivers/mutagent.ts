import WebSocket from 'ws';
import type { DialectDriver, Observed, WatchOptions, WatchResult } from '../driver.js';
import type { TestBridge } from '../../helpers/bridge.js';
import { collect } from '../../helpers/ws-client.js';

const CANONICAL: Record<string, string> = {
  job_started: 'started',
  job_paused: 'paused',
  job_resumed: 'resumed',
  job_completed: 'completed',
  job_failed: 'failed',
  job_cancelled: 'cancelled',
};
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

function socketUrl(bridge: TestBridge, key: string, options: WatchOptions = {}): string {
  const query = new URLSearchParams({ token: key });
  if (options.replaySpeed !== undefined) query.set('replay', '1'), query.set('speed', String(options.replaySpeed));
  return `${bridge.ws}/ws/optimization?${query}`;
}

function observe(event: any): Observed {
  const type = event.data.x_bridge?.type ?? CANONICAL[event.eventType] ?? event.eventType;
  const score = type === 'completed' ? event.data.finalScore : type === 'progress' ? event.data.score : undefined;
  return {
    seq: event.id,
    type,
    ...(event.iteration !== undefined && { iteration: event.iteration }),
    ...(score !== undefined && { bestObjective: score }),
  };
}

/** The job's events in one message: a live `event`, or a `replay` batch. */
function eventsOf(message: any): any[] {
  if (message?.type === 'event') return [message.event];
  if (message?.type === 'replay') return message.data;
  return [];
}

function subscribe(ws: WebSocket, jobId: string, after?: number): void {
  ws.send(JSON.stringify({ type: 'subscribe', jobId, ...(after !== undefined && { afterEventId: after }) }));
}

/**
 * Subscribes on a fresh socket the way the doc's client does, and closes it itself once the job's
 * terminal event arrived: the multiplexed socket stays open after a job ends.
 */
export const mutagentDriver: DialectDriver = {
  documented: {
    types: new Set([
      ...['subscribed', 'unsubscribed', 'event', 'replay', 'pong', 'error'],
      ...['job_started', 'iteration_completed', 'job_paused', 'job_resumed', 'job_completed', 'job_failed', 'job_cancelled'],
    ]),
    typesOf: (message: any) => [message?.type, ...eventsOf(message).map((event) => event.eventType)],
  },
  name: 'mutagent',
  resumes: true,
  async watch(bridge, key, jobId, options = {}): Promise<WatchResult> {
    const observed: Observed[] = [];
    const result = await collect(socketUrl(bridge, key, options), {
      onOpen: (ws) => subscribe(ws, jobId, options.after),
      onMessage: (message: any, ws: WebSocket) => {
        if (message.type === 'error') ws.close();
        for (const event of eventsOf(message)) observed.push(observe(event));
        const stopped = options.stopAfter !== undefined && observed.length >= options.stopAfter;
        if (stopped || TERMINAL.has(observed.at(-1)?.type ?? '')) ws.close();
      },
    });
    return { observed: options.stopAfter ? observed.slice(0, options.stopAfter) : observed, raw: result.messages, closeCode: result.closeCode };
  },
  async refused(bridge, key, jobId) {
    const result = await collect(socketUrl(bridge, key), {
      onOpen: (ws) => subscribe(ws, jobId),
      onMessage: (message: any, ws: WebSocket) => {
        if (message.type === 'error') ws.close();
      },
    });
    return { messages: result.messages, closeCode: result.closeCode };
  },
};
