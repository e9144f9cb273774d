import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '../../src/telemetry/tracing.js';
import { api, openTestStore, type StoreHandle, type TestBridge } from '../helpers/bridge.js';
import { closeSims, finished, KEY, startSims, startVendorBridge, submit, VENDORS, type Sims, type Vendor } from './providers-support.js';

const CREATE_SPAN: Record<Vendor, string> = {
  nerox: 'POST /v1/optimize/{kind}',
  jaot: 'POST /api/v2/solve/async',
  matcraft: 'POST /api/v1/campaigns',
  mutagent: 'POST /api/optimization/jobs',
};

/** Everything a span records that someone could read: name, attributes, events (exceptions), status. */
function spanText(span: ReadableSpan): string {
  return JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, status: span.status, links: span.links });
}

describe('upstream traces and secrets', () => {
  const spans = new InMemorySpanExporter();
  let store: StoreHandle;
  let sims: Sims;
  let bridge: TestBridge;
  const jobs = new Map<Vendor, string>();
  let refusedJob: string;

  before(async () => {
    store = await openTestStore('postgres');
    sims = await startSims();
    bridge = await startVendorBridge(store, sims, { spanProcessors: [new SimpleSpanProcessor(spans)] });
    for (const vendor of VENDORS) {
      sims[vendor].faults = { dropAfterEvents: 7 };
      sims[vendor].jobDefaults = { events: 20, intervalMs: 5 };
      jobs.set(vendor, await submit(bridge, vendor));
    }
    for (const jobId of jobs.values()) await finished(bridge, jobId);
    sims.matcraft.faults = { refuseAuth: true };
    refusedJob = await submit(bridge, 'matcraft');
    await finished(bridge, refusedJob);
  });

  after(async () => {
    await bridge.close();
    await closeSims(sims);
    await store.dispose();
  });

  for (const vendor of VENDORS) {
    test(`${vendor}: creation, connect and every reconnect are CLIENT spans, and the calls carry traceparent`, () => {
      const mine = spans.getFinishedSpans().filter((s) => s.attributes['optbridge.provider'] === vendor);
      const create = mine.find((s) => s.name === CREATE_SPAN[vendor] && (s.attributes['http.response.status_code'] as number) < 300);
      assert.ok(create, `no ${CREATE_SPAN[vendor]} span`);
      assert.equal(create.kind, SpanKind.CLIENT);
      const connects = mine.filter((s) => s.name === 'upstream connect');
      const reconnects = mine.filter((s) => s.name === 'upstream reconnect');
      assert.equal(connects.length, 1);
      assert.equal(reconnects.length, sims[vendor].connectionsFor(connects[0]!.attributes['optbridge.upstream_id'] as string) - 1);
      for (const span of [...connects, ...reconnects]) {
        assert.equal(span.kind, SpanKind.CLIENT);
        assert.equal(span.spanContext().traceId, create.spanContext().traceId, 'one trace from submit to the last reconnect');
      }
      const submitSpan = spans.getFinishedSpans().find((s) => s.name === 'job submit' && s.attributes['optbridge.job_id'] === jobs.get(vendor));
      assert.equal(create.parentSpanContext?.spanId, submitSpan?.spanContext().spanId, 'creation is a child of the job submit span');
      const [, traceId, spanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(sims[vendor].stats.lastTraceparent ?? '') ?? [];
      const carrier = spans.getFinishedSpans().find((s) => s.spanContext().spanId === spanId);
      assert.equal(carrier?.spanContext().traceId, traceId, 'the simulator saw the traceparent of one of our spans');
      assert.equal(carrier?.kind, SpanKind.CLIENT);
    });
  }

  test('a key in the stream URL reaches spans redacted', () => {
    for (const vendor of ['nerox', 'matcraft'] as const) {
      const connect = spans.getFinishedSpans().find((s) => s.name === 'upstream connect' && s.attributes['optbridge.provider'] === vendor)!;
      const url = new URL(connect.attributes['url.full'] as string);
      assert.equal(url.searchParams.get('token'), '[redacted]', vendor);
    }
  });

  test('no vendor key appears in any event, job, error or span the bridge recorded', async () => {
    const refused = await api(bridge.http, 'GET', `/bridge/v1/jobs/${refusedJob}`, { key: KEY });
    assert.equal(refused.body.status, 'failed');
    assert.match(refused.body.error.message, /Invalid API key/);

    const recorded: string[] = [JSON.stringify((await api(bridge.http, 'GET', '/bridge/v1/jobs?limit=1000', { key: KEY })).body)];
    for (const jobId of [...jobs.values(), refusedJob]) {
      recorded.push(JSON.stringify((await api(bridge.http, 'GET', `/bridge/v1/jobs/${jobId}/events`, { key: KEY })).body));
      recorded.push(JSON.stringify((await api(bridge.http, 'GET', `/v1/jobs/${jobId}`, { key: KEY })).body));
    }
    recorded.push(...spans.getFinishedSpans().map(spanText));
    const everything = recorded.join('\n');
    assert.ok(everything.includes('token=%5Bredacted%5D'), 'the grep looks where keys would have been');
    for (const sim of Object.values(sims)) assert.ok(!everything.includes(sim.apiKey), `${sim.name}'s key leaked`);
  });
});
