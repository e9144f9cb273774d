import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { submitTsp, TENANT_KEYS, useTestBridge, type TestBridge } from '../helpers/bridge.js';
import { collect } from '../helpers/ws-client.js';

type Families = ReturnType<typeof parsePrometheusTextFormat>;

async function scrape(bridge: TestBridge): Promise<Families & { text: string }> {
  const response = await fetch(`${bridge.http}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await response.text();
  return Object.assign(parsePrometheusTextFormat(text), { text });
}

/** A labelled histogram's count, read from the text: the parser keeps no labels on histogram samples. */
function histogramCount(text: string, name: string, label: string, value: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}_bucket{`) && l.includes(`${label}="${value}"`) && l.includes('le="+Inf"'));
  return Number(line?.split(' ').at(-1) ?? 0);
}

/** The value of a counter or gauge series (0 when absent), or a histogram's count (its +Inf bucket). */
function valueOf(families: Families, name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return Number(sample?.value ?? sample?.count ?? sample?.buckets?.['+Inf'] ?? 0);
}

describe('GET /metrics', () => {
  const suite = useTestBridge('postgres');

  test('parses as Prometheus text, and its counters move as the traffic says', async () => {
    const before = await scrape(suite.bridge);
    const jobId = await submitTsp(suite.bridge, 0.5, 4);
    const watched = await Promise.all([
      collect(`${suite.bridge.ws}/v1/jobs/${jobId}/stream?token=${TENANT_KEYS.acme}&after=0`),
      collect(`${suite.bridge.ws}/api/v1/ws/campaigns/${jobId}?token=${TENANT_KEYS.acme}&after=0`),
    ]);
    const afterRun = await scrape(suite.bridge);

    const events = watched[0].messages.length;
    const ingested = valueOf(afterRun, 'optbridge_events_ingested_total', { provider: 'builtin' }) - valueOf(before, 'optbridge_events_ingested_total', { provider: 'builtin' });
    assert.equal(ingested, events, 'one ingested event per event the client saw');
    assert.equal(valueOf(afterRun, 'optbridge_events_published_total') - valueOf(before, 'optbridge_events_published_total'), events);
    assert.ok(valueOf(afterRun, 'optbridge_encodes_total', { dialect: 'nerox' }) > valueOf(before, 'optbridge_encodes_total', { dialect: 'nerox' }));
    assert.equal(valueOf(afterRun, 'optbridge_ws_clients', { dialect: 'nerox' }), 0, 'the sockets are counted out once closed');

    for (const name of ['optbridge_store_commit_seconds', 'optbridge_ingest_to_publish_seconds', 'optbridge_pipeline_stage_seconds']) {
      const family = afterRun.find((f) => f.name === name);
      assert.equal(family?.type, 'HISTOGRAM', name);
      assert.ok(valueOf(afterRun, name) > 0, `${name} has observations`);
    }
    for (const stage of ['commit', 'publish']) {
      const observed = histogramCount(afterRun.text, 'optbridge_pipeline_stage_seconds', 'stage', stage) - histogramCount(before.text, 'optbridge_pipeline_stage_seconds', 'stage', stage);
      assert.equal(observed, events, `one ${stage} observation per event`);
    }
    assert.ok(!afterRun.text.includes(jobId), 'no series names a job');
  });
});
