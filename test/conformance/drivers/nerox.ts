import WebSocket from 'ws';
import type { DialectDriver, Observed, WatchOptions, WatchResult } from '../driver.js';
import type { TestBridge } from '../../helpers/bridge.js';
import { collect } from '../../helpers/ws-client.js';

function streamUrl(bridge: TestBridge, key: string, jobId: string, options: WatchOptions = {}): string {
  const query = new URLSearchParams({ token: key });
  if (options.after !== undefined) query.set('after', String(options.after));
  if (options.replaySpeed !== undefined) query.set('replay', '1'), query.set('speed', String(options.replaySpeed));
  return `${bridge.ws}/v1/jobs/${jobId}/stream?${query}`;
}

function observe(message: any): Observed | undefined {
  if (typeof message !== 'object' || message === null || message.type === 'error') return undefined;
  const type = message.type === 'progress' ? (message.x_bridge.type ?? 'progress') : message.type;
  return {
    seq: message.x_bridge.seq,
    type,
    ...(message.iteration !== undefined && { iteration: message.iteration }),
    ...(message.best_energy !== undefined && { bestObjective: message.best_energy }),
    ...(message.type === 'completed' && { bestObjective: message.result.objective }),
  };
}

export const neroxDriver: DialectDriver = {
  name: 'nerox',
  resumes: true,
  async watch(bridge, key, jobId, options = {}): Promise<WatchResult> {
    let seen = 0;
    const result = await collect(streamUrl(bridge, key, jobId, options), {
      onMessage: (_message: unknown, ws: WebSocket) => {
        if (options.stopAfter !== undefined && ++seen === options.stopAfter) ws.close();
      },
    });
    const observed = result.messages.map(observe).filter((o): o is Observed => o !== undefined);
    return { observed: options.stopAfter ? observed.slice(0, options.stopAfter) : observed, raw: result.messages, closeCode: result.closeCode };
  },
  async refused(bridge, key, jobId) {
    const result = await collect(streamUrl(bridge, key, jobId));
    return { messages: result.messages, closeCode: result.closeCode };
  },
};
