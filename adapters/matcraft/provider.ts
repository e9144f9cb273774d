import type { Provider } from '../../src/core/provider.js';
import { idFrom } from '../../src/ingest/upstream/drafts.js';
import { upstreamProvider } from '../../src/ingest/upstream/provider.js';
import type { UpstreamSettings } from '../../src/ingest/upstream/settings.js';
import type { VendorAdapter } from '../../src/ingest/upstream/vendor.js';
import { decodeMatcraft, matcraftMissedBeforeFirst } from './upstream.js';

/** MatCraft closes with these when the key is refused or the campaign does not exist: reconnecting cannot help. */
const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([4001, 4004]);

/**
 * MatCraft (protocols/matcraft.txt): live-only campaign streams, so every reconnect records a gap. Its server
 * pings every 30 s and `ws` answers ping frames by itself. At most 10 sockets per API key: runs beyond that wait
 * for a slot (and record a gap for what they missed meanwhile); a 1008 refusal all the same is retried like a drop.
 */
export const matcraftAdapter: VendorAdapter<'create' | 'cancel'> = {
  name: 'matcraft',
  kinds: new Set(['campaign']),
  paths: { create: '/api/v1/campaigns', cancel: '/api/v1/campaigns/{id}/cancel', stream: '/api/v1/ws/campaigns/{id}' },
  socketsPerKey: 10,
  async create(job, { http, paths }) {
    if (job.problem.kind !== 'campaign') throw new Error(`matcraft cannot run ${job.problem.kind} problems`);
    return idFrom('matcraft', await http.call('POST', paths.create, {}, job.problem.spec), 'campaign_id', 'id');
  },
  follow: ({ upstreamId, http, paths }) => {
    let totalIterations: number | undefined;
    return {
      keyInQuery: true,
      gapOnReconnect: true,
      fatalCloseCodes: FATAL_CLOSE_CODES,
      missedBeforeFirst: matcraftMissedBeforeFirst,
      decode(message) {
        const drafts = decodeMatcraft(message, totalIterations);
        totalIterations = drafts[0]?.totalIterations ?? totalIterations;
        return drafts;
      },
      async restore(recorded) {
        for await (const event of recorded) {
          if (event.totalIterations === undefined) continue;
          totalIterations = event.totalIterations;
          return;
        }
      },
      async cancel() {
        await http.call('POST', paths.cancel, { id: upstreamId });
      },
    };
  },
};

export function matcraftProvider(settings: UpstreamSettings): Provider {
  return upstreamProvider(matcraftAdapter, settings);
}
