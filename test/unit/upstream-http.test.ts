import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { neroxAdapter } from '../../adapters/nerox/provider.js';
import { ConfigError, type VendorSettings } from '../../src/config/config.js';
import { UpstreamError, vendorMessage } from '../../src/ingest/upstream/errors.js';
import { fillPath, UpstreamHttp } from '../../src/ingest/upstream/http.js';
import { upstreamProvider } from '../../src/ingest/upstream/provider.js';
import { DEFAULT_TUNING, upstreamSettings } from '../../src/ingest/upstream/settings.js';
import { context, setupTracing, SpanKind, type Telemetry } from '../../src/telemetry/tracing.js';

const KEY = 'nrx_sk_unit_0123456789';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A vendor whose answers the test scripts per request. */
class FakeVendor {
  readonly requests: IncomingMessage[] = [];
  handler: Handler = (_req, res) => res.end('{}');
  url = '';
  #server: Server = createServer((req, res) => {
    this.requests.push(req);
    req.resume();
    req.on('end', () => this.handler(req, res, this.requests.length));
  });

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function client(vendor: FakeVendor, options: { giveUpAfterMs?: number; requestTimeoutMs?: number } = {}): UpstreamHttp {
  return new UpstreamHttp({
    provider: 'nerox',
    baseUrl: vendor.url,
    apiKey: KEY,
    requestTimeoutMs: options.requestTimeoutMs ?? 2000,
    backoff: { initialMs: 1, maxMs: 5 },
    giveUpAfterMs: options.giveUpAfterMs ?? 10_000,
    signal: new AbortController().signal,
    trace: context.active(),
  });
}

async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof UpstreamError, String(error));
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('upstream HTTP client', () => {
  const vendor = new FakeVendor();
  const spans = new InMemorySpanExporter();
  let telemetry: Telemetry;

  before(async () => {
    await vendor.listen();
    telemetry = setupTracing({ otlpEndpoint: null, processors: [new SimpleSpanProcessor(spans)] });
  });

  after(async () => {
    await telemetry.shutdown();
    await vendor.close();
  });

  test('path templates take encoded values and name a missing one', () => {
    assert.equal(fillPath('/v1/jobs/{id}/cancel', { id: 'a b/c' }), '/v1/jobs/a%20b%2Fc/cancel');
    assert.throws(() => fillPath('/v1/jobs/{id}', {}), /no value for \{id\}/);
  });

  test('each vendor error body gives its own message', () => {
    assert.equal(vendorMessage({ error: { status: 401, message: 'Invalid API key' } }), 'Invalid API key');
    assert.equal(vendorMessage({ detail: 'Task x not found' }), 'Task x not found');
    assert.equal(vendorMessage({ detail: [{ msg: 'field required' }, { msg: 'bad type' }] }), 'field required; bad type');
    assert.equal(vendorMessage({ error: 'Job not found' }), 'Job not found');
    assert.equal(vendorMessage('Bad Gateway'), 'Bad Gateway');
    assert.equal(vendorMessage({ unrelated: 1 }), undefined);
  });

  test('a call sends the key as a bearer token and the trace context, inside a CLIENT span', async () => {
    vendor.handler = (_req, res) => reply(res, 202, { job_id: 'job_1' });
    spans.reset();
    const body = await client(vendor).call('POST', '/v1/optimize/{kind}', { kind: 'tsp' }, { distance_matrix: [[0]] });
    assert.deepEqual(body, { job_id: 'job_1' });
    const request = vendor.requests.at(-1)!;
    assert.equal(request.headers.authorization, `Bearer ${KEY}`);
    assert.equal(request.headers['content-type'], 'application/json');
    const [span] = spans.getFinishedSpans();
    assert.equal(span!.name, 'POST /v1/optimize/{kind}');
    assert.equal(span!.kind, SpanKind.CLIENT);
    assert.equal(span!.attributes['http.response.status_code'], 202);
    assert.equal(span!.attributes['url.full'], `${vendor.url}/v1/optimize/tsp`);
    assert.equal(request.headers.traceparent, `00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`);
  });

  test('an outage is retried until the vendor answers', async () => {
    const before = vendor.requests.length;
    vendor.handler = (_req, res, n) => (n - before < 3 ? reply(res, 503, { error: { message: 'Service unavailable' } }) : reply(res, 200, { ok: true }));
    assert.deepEqual(await client(vendor).call('GET', '/v1/jobs/{id}', { id: 'job_1' }), { ok: true });
    assert.equal(vendor.requests.length - before, 3);
  });

  test('a 4xx fails at once with the vendor message', async () => {
    const before = vendor.requests.length;
    vendor.handler = (_req, res) => reply(res, 422, { detail: 'Expected a JSON object' });
    const error = await rejection(client(vendor).call('POST', '/api/v2/solve/async', {}, {}));
    assert.equal(error.code, 'upstream_rejected');
    assert.equal(error.status, 422);
    assert.equal(error.message, 'nerox answered HTTP 422: Expected a JSON object');
    assert.equal(vendor.requests.length - before, 1);
  });

  test('an outage longer than the give-up time fails with the last reason', async () => {
    vendor.handler = (_req, res) => reply(res, 503, { error: { message: 'Service unavailable' } });
    const error = await rejection(client(vendor, { giveUpAfterMs: 30 }).call('GET', '/v1/jobs/{id}', { id: 'j' }));
    assert.equal(error.code, 'upstream_unavailable');
    assert.match(error.message, /did not answer GET \/v1\/jobs\/\{id\} within 30 ms: nerox answered HTTP 503: Service unavailable/);
  });

  test('a vendor that does not answer in time counts as an outage', async () => {
    vendor.handler = () => {};
    const error = await rejection(client(vendor, { requestTimeoutMs: 20, giveUpAfterMs: 1 }).call('GET', '/v1/jobs/{id}', { id: 'j' }));
    assert.equal(error.code, 'upstream_unavailable');
    assert.match(error.message, /no answer within 20 ms/);
  });

  test('a refused connection counts as an outage', async () => {
    const gone = new FakeVendor();
    await gone.listen();
    await gone.close();
    const error = await rejection(client(gone, { giveUpAfterMs: 1 }).call('GET', '/x'));
    assert.match(error.message, /unreachable: ECONNREFUSED/);
  });

  test('a vendor echoing the key back never gets it into an error message', async () => {
    vendor.handler = (_req, res) => reply(res, 401, { error: { message: `Invalid API key ${KEY}` } });
    const error = await rejection(client(vendor).call('GET', '/x'));
    assert.ok(!error.message.includes(KEY), error.message);
    assert.match(error.message, /Invalid API key \[redacted\]/);
  });
});

describe('upstream settings', () => {
  const base: VendorSettings = { url: 'http://vendor.example', apiKey: KEY };

  test('a vendor runs once it has both a URL and a key, with the documented defaults', () => {
    assert.equal(upstreamSettings('nerox', { url: null, apiKey: KEY }), undefined);
    assert.equal(upstreamSettings('nerox', { url: 'http://vendor.example', apiKey: null }), undefined);
    assert.deepEqual(upstreamSettings('nerox', base), { ...DEFAULT_TUNING, url: base.url, apiKey: KEY });
  });

  test('tuning beside the URL overrides the defaults and is checked like any setting', () => {
    const settings = upstreamSettings('jaot', { ...base, pollIntervalMs: 20, paths: { create: '/v3/solve' } } as VendorSettings);
    assert.equal(settings?.pollIntervalMs, 20);
    assert.deepEqual(settings?.paths, { create: '/v3/solve' });
    assert.throws(() => upstreamSettings('jaot', { ...base, keepaliveMs: 0 } as VendorSettings), (e: unknown) => e instanceof ConfigError && /providers\.jaot\.keepaliveMs/.test(e.message));
    assert.throws(() => upstreamSettings('jaot', { ...base, paths: { create: 'v3' } } as VendorSettings), /providers\.jaot\.paths\.create: must be a path/);
  });

  test('a path override must name one of the vendor paths', () => {
    const settings = upstreamSettings('nerox', { ...base, paths: { creat: '/v2/optimize/{kind}' } } as VendorSettings)!;
    assert.throws(() => upstreamProvider(neroxAdapter, settings), /providers\.nerox\.paths\.creat: unknown path; one of create, status, cancel, stream/);
  });
});
