import WebSocket from 'ws';
import { TENANT_KEYS } from './bridge.js';

export const STREAM_DIALECTS = ['nerox', 'jaot', 'matcraft', 'mutagent'] as const;
export type StreamDialect = (typeof STREAM_DIALECTS)[number];

/** One client of a dialect on one job, tracking the seqs it saw, the way its doc's client resumes. */
export interface SeqWatcher {
  dialect: StreamDialect;
  seqs: number[];
  /** Set once the job's terminal message arrived. */
  ended: boolean;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

const TERMINAL_MUTAGENT = ['job_completed', 'job_failed', 'job_cancelled'];

/** Connects to `ws` (a bridge's ws:// base) for `jobId`, resuming after `after` where the dialect can. */
export function watchSeqs(ws: string, dialect: StreamDialect, jobId: string, after: number, key = TENANT_KEYS.acme): SeqWatcher {
  const urls: Record<StreamDialect, string> = {
    nerox: `${ws}/v1/jobs/${jobId}/stream?token=${key}&after=${after}`,
    jaot: `${ws}/api/v2/ws/executions/${jobId}?token=${key}`,
    matcraft: `${ws}/api/v1/ws/campaigns/${jobId}?token=${key}&after=${after}`,
    mutagent: `${ws}/ws/optimization?token=${key}`,
  };
  const socket = new WebSocket(urls[dialect]);
  const watcher: SeqWatcher = {
    dialect,
    seqs: [],
    ended: false,
    closed: new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
    close: () => socket.close(),
  };
  socket.on('error', () => {});
  socket.on('open', () => dialect === 'mutagent' && socket.send(JSON.stringify({ type: 'subscribe', jobId, afterEventId: after })));
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (dialect === 'mutagent') {
      const events = message.type === 'event' ? [message.event] : message.type === 'replay' ? message.data : [];
      watcher.seqs.push(...events.map((e: { id: number }) => e.id));
      if (events.some((e: { eventType: string }) => TERMINAL_MUTAGENT.includes(e.eventType))) {
        watcher.ended = true;
        socket.close();
      }
      return;
    }
    const seq = message.x_bridge?.seq ?? message.data?.x_bridge?.seq;
    if (seq) watcher.seqs.push(seq);
    if (['completed', 'failed', 'cancelled', 'error', 'campaign_complete'].includes(message.type)) watcher.ended = true;
  });
  return watcher;
}
