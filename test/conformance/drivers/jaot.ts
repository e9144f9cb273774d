import WebSocket from 'ws';
import type { DialectDriver, Observed, WatchOptions, WatchResult } from '../driver.js';
import type { TestBridge } from '../../helpers/bridge.js';
import { collect } from '../../helpers/ws-client.js';

/** JAOT has no resume: `after` is not part of its URL. */
function streamUrl(bridge: TestBridge, jobId: string, options: WatchOptions = {}): string {
  const query = new URLSearchParams();
  if (options.replaySpeed !== undefined) query.set('replay', '1'), query.set('speed', String(options.replaySpeed));
  return `${bridge.ws}/api/v2/ws/executions/${jobId}?${query}`;
}

/** The doc's Python sends its key as `Authorization: Bearer`. */
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

/** Job messages carry their seq; refusals and the `status` greeting itself do not stand for one event. */
function observe(message: any): Observed | undefined {
  const seq = message?.x_bridge?.seq;
  if (seq === undefined) return undefined;
  const type = message.x_bridge.type ?? message.type;
  return {
    seq,
    type,
    ...(message.iteration !== undefined && { iteration: message.iteration }),
    ...(message.objective_value !== undefined && { bestObjective: message.objective_value }),
    ...(message.type === 'completed' && { bestObjective: message.result.objective_value }),
  };
}

export const jaotDriver: DialectDriver = {
  documented: {
    types: new Set(['status', 'progress', 'completed', 'failed', 'cancelled', 'error']),
    typesOf: (message: any) => [message?.type],
  },
  name: 'jaot',
  resumes: false,
  async watch(bridge, key, jobId, options = {}): Promise<WatchResult> {
    let seen = 0;
    const result = await collect(streamUrl(bridge, jobId, options), {
      headers: auth(key),
      onMessage: (message: unknown, ws: WebSocket) => {
        if (observe(message) && options.stopAfter !== undefined && ++seen === options.stopAfter) ws.close();
      },
    });
    // JAOT cannot resume, but its greeting carries the latest progress, which a live client has then seen.
    // A replay starts from the beginning, so there the greeting's progress is not part of what is played.
    const [greeting, ...rest] = result.messages;
    const live = options.replaySpeed === undefined && greeting?.type === 'status' && greeting.progress_data;
    const messages = live ? [greeting.progress_data, ...rest] : result.messages;
    const observed = messages.map(observe).filter((o): o is Observed => o !== undefined);
    return { observed: options.stopAfter ? observed.slice(0, options.stopAfter) : observed, raw: result.messages, closeCode: result.closeCode };
  },
  async refused(bridge, key, jobId) {
    const result = await collect(streamUrl(bridge, jobId), { headers: auth(key) });
    return { messages: result.messages, closeCode: result.closeCode };
  },
};
