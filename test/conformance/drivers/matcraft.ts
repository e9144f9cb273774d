import WebSocket from 'ws';
import type { DialectDriver, Observed, WatchOptions, WatchResult } from '../driver.js';
import type { TestBridge } from '../../helpers/bridge.js';
import { collect } from '../../helpers/ws-client.js';

const CANONICAL: Record<string, string> = {
  iteration_start: 'iteration_started',
  evaluation_complete: 'evaluation',
  iteration_complete: 'iteration_completed',
  campaign_complete: 'completed',
  error: 'failed',
};

function streamUrl(bridge: TestBridge, key: string, jobId: string, options: WatchOptions = {}): string {
  const query = new URLSearchParams({ token: key });
  if (options.after !== undefined) query.set('after', String(options.after));
  if (options.replaySpeed !== undefined) query.set('replay', '1'), query.set('speed', String(options.replaySpeed));
  return `${bridge.ws}/api/v1/ws/campaigns/${jobId}?${query}`;
}

/** Job messages carry their seq in data.x_bridge; refusals do not. */
function observe(message: any): Observed | undefined {
  const data = message?.data;
  const seq = data?.x_bridge?.seq;
  if (seq === undefined) return undefined;
  const best = message.type === 'campaign_complete' ? data.final_hypervolume : data.best_objectives?.objective;
  return {
    seq,
    type: data.x_bridge.type ?? CANONICAL[message.type] ?? message.type,
    ...(data.iteration !== undefined && { iteration: data.iteration }),
    ...(best !== undefined && { bestObjective: best }),
  };
}

export const matcraftDriver: DialectDriver = {
  documented: {
    types: new Set(['iteration_start', 'evaluation_complete', 'iteration_complete', 'campaign_complete', 'error']),
    typesOf: (message: any) => [message?.type],
  },
  name: 'matcraft',
  resumes: true,
  async watch(bridge, key, jobId, options = {}): Promise<WatchResult> {
    let seen = 0;
    const result = await collect(streamUrl(bridge, key, jobId, options), {
      onMessage: (message: unknown, ws: WebSocket) => {
        if (observe(message) && options.stopAfter !== undefined && ++seen === options.stopAfter) ws.close();
      },
    });
    const observed = result.messages.map(observe).filter((o): o is Observed => o !== undefined);
    return { observed: options.stopAfter ? observed.slice(0, options.stopAfter) : observed, raw: result.messages, closeCode: result.closeCode };
  },
  async refused(bridge, key, jobId) {
    const result = await collect(streamUrl(bridge, key, jobId));
    // Every MatCraft message is stamped with the time it was sent; two refusals differ only there.
    const messages = result.messages.map(({ timestamp: _timestamp, ...rest }) => rest);
    return { messages, closeCode: result.closeCode };
  },
};
