import type { Provider } from '../../src/core/provider.js';
import { idFrom } from '../../src/ingest/upstream/drafts.js';
import { upstreamProvider } from '../../src/ingest/upstream/provider.js';
import type { UpstreamSettings } from '../../src/ingest/upstream/settings.js';
import type { VendorAdapter } from '../../src/ingest/upstream/vendor.js';
import { decodeNerox, neroxOutcome, neroxRequest, neroxSentBeforeConnect } from './upstream.js';

/** Nerox (protocols/nerox.txt): a live-only stream, so every reconnect records a gap, and so does a first connect that came late. */
export const neroxAdapter: VendorAdapter<'create' | 'status' | 'cancel'> = {
  name: 'nerox',
  kinds: new Set(['tsp', 'qubo', 'maxcut']),
  paths: { create: '/v1/optimize/{kind}', status: '/v1/jobs/{id}', cancel: '/v1/jobs/{id}/cancel', stream: '/v1/jobs/{id}/stream' },
  async create(job, { http, paths }) {
    const problem = job.problem;
    if (problem.kind !== 'tsp' && problem.kind !== 'qubo' && problem.kind !== 'maxcut') {
      throw new Error(`nerox cannot run ${problem.kind} problems`);
    }
    return idFrom('nerox', await http.call('POST', paths.create, { kind: problem.kind }, neroxRequest(problem, job.params)), 'job_id');
  },
  follow: ({ upstreamId, http, paths }) => ({
    keyInQuery: true,
    gapOnReconnect: true,
    decode: decodeNerox,
    async cancel() {
      await http.call('POST', paths.cancel, { id: upstreamId });
    },
    async ended() {
      return neroxOutcome(await http.call('GET', paths.status, { id: upstreamId }));
    },
    async sentBeforeConnect() {
      return neroxSentBeforeConnect(await http.call('GET', paths.status, { id: upstreamId }));
    },
  }),
};

export function neroxProvider(settings: UpstreamSettings): Provider {
  return upstreamProvider(neroxAdapter, settings);
}
