import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Parser } from '@asyncapi/parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { DIALECTS } from '../../adapters/index.js';
import { PRODUCTION_PLANNING } from '../helpers/doc-messages.js';
import { api, submitTsp, TENANT_KEYS, useTestBridge } from '../helpers/bridge.js';
import { waitFor } from '../helpers/wait.js';
import { collect } from '../helpers/ws-client.js';

type Json = Record<string, any>;

const KEY = TENANT_KEYS.acme;
const ADMIN_KEY = 'admin-key-0123456789';
const METHOD: Record<string, string> = { get: 'get', post: 'post', put: 'put', del: 'delete', patch: 'patch' };

const ajv = new Ajv2020({ strict: false, allErrors: false });
addFormats.default(ajv);

function assertFits(schema: Json, value: unknown, what: string): void {
  assert.ok(ajv.validate(schema, value), `${what}: ${ajv.errorsText()}\n${JSON.stringify(value).slice(0, 600)}`);
}

const toTemplate = (pattern: string): string => pattern.replace(/:([A-Za-z]+)/g, '{$1}');

describe('API documents', () => {
  const suite = useTestBridge('postgres', { env: { BRIDGE_ADMIN_KEY: ADMIN_KEY } });
  let openapi: Json;
  let asyncapi: Json;
  let finishedJob: string;

  before(async () => {
    openapi = (await api(suite.bridge.http, 'GET', '/bridge/v1/openapi.json')).body;
    asyncapi = (await api(suite.bridge.http, 'GET', '/bridge/v1/asyncapi.json')).body;
    finishedJob = await submitTsp(suite.bridge, 0.3, 11);
    await waitFor(async () => (await api(suite.bridge.http, 'GET', `/bridge/v1/jobs/${finishedJob}`, { key: KEY })).body.finishedAt);
  });

  test('the OpenAPI document is valid OpenAPI 3.1', async () => {
    assert.equal(openapi.openapi, '3.1.0');
    const result = await new Validator().validate(openapi);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });

  test('the AsyncAPI document is valid AsyncAPI 3', async () => {
    assert.match(asyncapi.asyncapi, /^3\./);
    const diagnostics = await new Parser().validate(JSON.stringify(asyncapi));
    // Errors and warnings (severity 0 and 1); the parser's hints are style.
    const errors = diagnostics.filter((d) => d.severity <= 1);
    assert.deepEqual(errors.map((d) => `${d.path.join('.')}: ${d.message}`), []);
  });

  test('every route the server mounts is in a document: HTTP routes as paths, fallbacks listed, sockets as channels', () => {
    const routes = suite.bridge.bridge.server.routes.routes;
    assert.ok(routes.length > 30, `only ${routes.length} routes were recorded`);
    const addresses = new Set(Object.values(asyncapi.channels as Json).map((channel) => channel.address));
    const fallbacks = (openapi['x-optbridge-fallbacks'] as Json[]).map((f) => `${f.method} ${f.pattern}`);
    for (const route of routes) {
      if (route.kind === 'ws') assert.ok(addresses.has(toTemplate(route.pattern)), `no channel for ws ${route.pattern}`);
      else if (route.pattern.includes('*')) assert.ok(fallbacks.includes(`${route.kind === 'any' ? '*' : route.kind.toUpperCase()} ${route.pattern}`), `no fallback for ${route.kind} ${route.pattern}`);
      else assert.ok(openapi.paths[toTemplate(route.pattern)]?.[METHOD[route.kind]!], `no operation for ${route.kind} ${route.pattern}`);
    }
    assert.deepEqual(fallbacks.sort(), ['* /*', 'GET /assets/*', 'OPTIONS /*']);
  });

  test("every route of the bridge's API and of each dialect carries its docs: a summary, who may call it, its answers", () => {
    const prefixes = ['/bridge/', '/healthz', '/readyz', '/metrics', ...DIALECTS.flatMap((d) => d.pathPrefixes)];
    const ours = suite.bridge.bridge.server.routes.routes.filter((r) => prefixes.some((prefix) => r.pattern.startsWith(prefix)));
    for (const route of ours) {
      if (route.kind === 'ws') assert.ok(route.socket && route.socket.send.length > 0, `ws ${route.pattern} has no messages`);
      else assert.ok(route.docs && route.group && Object.keys(route.docs.responses).length > 0, `${route.kind} ${route.pattern} is undocumented`);
    }
    for (const route of ours.filter((r) => r.kind === 'post' && !r.pattern.includes(':'))) {
      assert.ok(route.docs?.body, `POST ${route.pattern} documents no request body`);
    }
  });

  test('each channel carries every message its dialect sends and receives, by the schemas it registered', () => {
    const byAddress = new Map(Object.values(asyncapi.channels as Json).map((channel) => [channel.address, channel]));
    for (const route of suite.bridge.bridge.server.routes.routes.filter((r) => r.kind === 'ws')) {
      const channel = byAddress.get(toTemplate(route.pattern))!;
      const registered = [...route.socket!.send, ...route.socket!.receive].map((schema) => schema.title);
      assert.deepEqual(Object.keys(channel.messages).sort(), registered.sort(), route.pattern);
    }
    const dialects = new Set(suite.bridge.bridge.server.routes.routes.flatMap((r) => (r.socket ? [r.socket.dialect] : [])));
    assert.deepEqual([...dialects].sort(), DIALECTS.map((d) => d.name).sort());
  });

  /** The schema the OpenAPI document gives for this answer: its own status's, else the route's error shape. */
  function documented(method: string, path: string, status: number): Json | undefined {
    const operation = openapi.paths[path]?.[method];
    assert.ok(operation, `${method} ${path} is not in the document`);
    const response = operation.responses[String(status)] ?? operation.responses.default;
    return response.content?.['application/json']?.schema;
  }

  test('real answers of every documented route fit the schemas the document gives for them', async () => {
    const http = suite.bridge.http;
    const calls: [string, string, string, Parameters<typeof api>[3]][] = [];
    const call = (method: string, path: string, concrete: string, options: Parameters<typeof api>[3] = {}): void => {
      calls.push([method, path, concrete, options]);
    };
    const id = finishedJob;
    const bridgeOps = ['/healthz', '/readyz', '/bridge/v1/jobs', `/bridge/v1/jobs/{id}`, '/bridge/v1/jobs/{id}/events', '/bridge/v1/jobs/{id}/audit', '/bridge/v1/jobs/{id}/series'];
    for (const path of bridgeOps) call('get', path, path.replace('{id}', id), { key: KEY });
    call('get', '/bridge/v1/jobs/{id}/events', `/bridge/v1/jobs/${id}/events?limit=0`, { key: KEY });
    call('get', '/bridge/v1/jobs', '/bridge/v1/jobs', { key: 'wrong-key' });
    call('get', '/bridge/v1/jobs/{id}', '/bridge/v1/jobs/job_none', { key: KEY });
    call('get', '/bridge/v1/openapi.json', '/bridge/v1/openapi.json');
    call('get', '/bridge/v1/asyncapi.json', '/bridge/v1/asyncapi.json');
    call('get', '/bridge/v1/admin/keys', '/bridge/v1/admin/keys', { key: ADMIN_KEY });
    call('post', '/bridge/v1/admin/keys', '/bridge/v1/admin/keys', { key: ADMIN_KEY, body: { tenant: 'acme', name: 'docs test', scope: 'read' } });
    call('post', '/bridge/v1/admin/keys', '/bridge/v1/admin/keys', { key: ADMIN_KEY, body: { tenant: 'acme', name: ' ' } });
    call('post', '/v1/optimize/tsp', '/v1/optimize/tsp', { key: KEY, body: { coordinates: [[0, 0], [1, 1], [2, 0]], time_limit_s: 0.1 } });
    call('post', '/v1/optimize/tsp', '/v1/optimize/tsp', { key: KEY, body: { distance_matrix: [[0, 'far'], [1, 0]] } });
    call('post', '/v1/optimize/qubo', '/v1/optimize/qubo', { key: KEY, body: { Q: [[1, -2], [0, 1]], time_limit_s: 0.1 } });
    call('post', '/v1/optimize/ising', '/v1/optimize/ising', { key: KEY, body: { J: [[0, 1, 1]], time_limit_s: 0.1 } });
    call('post', '/v1/optimize/maxcut', '/v1/optimize/maxcut', { key: KEY, body: { edges: [[0, 1], [1, 2]], time_limit_s: 0.1 } });
    call('get', '/v1/jobs/{id}', `/v1/jobs/${id}`, { key: KEY });
    call('post', '/v1/jobs/{id}/cancel', `/v1/jobs/${id}/cancel`, { key: KEY });
    call('post', '/api/v2/solve/async', '/api/v2/solve/async', { key: KEY, body: PRODUCTION_PLANNING });
    call('post', '/api/v2/solve/async', '/api/v2/solve/async', { key: KEY, body: [1] });
    call('get', '/api/v2/solve/async/{id}', `/api/v2/solve/async/${id}`, { key: KEY });
    call('post', '/api/v2/solve/async/{id}/cancel', `/api/v2/solve/async/${id}/cancel`, { key: KEY });
    call('post', '/api/v1/campaigns', '/api/v1/campaigns', { key: KEY, body: { name: 'membranes' } });
    call('get', '/api/v1/campaigns/{id}', `/api/v1/campaigns/${id}`, { key: KEY });
    call('post', '/api/optimization/jobs', '/api/optimization/jobs', { key: KEY, body: { promptId: 'p1', datasetId: 'd1' } });
    call('post', '/api/optimization/jobs', '/api/optimization/jobs', { key: KEY, body: { promptId: 7 } });
    call('get', '/api/optimization/jobs/{id}', `/api/optimization/jobs/${id}`, { key: KEY });

    const created = await api(http, 'POST', '/bridge/v1/admin/keys', { key: ADMIN_KEY, body: { tenant: 'acme', name: 'to revoke' } });
    call('post', '/bridge/v1/admin/keys/{id}/revoke', `/bridge/v1/admin/keys/${created.body.id}/revoke`, { key: ADMIN_KEY });

    for (const [method, path, concrete, options] of calls) {
      const response = await api(http, method.toUpperCase(), concrete, options);
      const schema = documented(method, path, response.status);
      assert.ok(schema, `${method} ${concrete} answered ${response.status}, which the document gives no schema for`);
      assertFits(schema, response.body, `${method.toUpperCase()} ${concrete} → ${response.status}`);
    }
    const tagged = Object.entries(openapi.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json).filter(([, operation]) => operation.tags).map(([method]) => `${method} ${path}`),
    );
    const streamed = ['get /metrics', 'get /bridge/v1/docs', 'get /bridge/v1/docs.css'];
    const called = new Set([...calls.map(([method, path]) => `${method} ${path}`), ...streamed]);
    assert.deepEqual(tagged.filter((op) => !called.has(op)), [], 'documented routes this test never calls');
  });

  test('what each dialect sends on a real socket, for a finished job, fits that channel\'s messages', async () => {
    /** Any of the messages the channel at `address` documents the bridge sending. */
    const sent = (address: string): Json => {
      const [id, channel] = Object.entries(asyncapi.channels as Json).find(([, c]) => c.address === address)!;
      const names: string[] = asyncapi.operations[`${id}.send`].messages.map((m: Json) => m.$ref.split('/').pop());
      return { anyOf: names.map((name) => channel.messages[name].payload) };
    };
    const ws = suite.bridge.ws;
    const streams: [string, string, Parameters<typeof collect>[1]?][] = [
      ['/v1/jobs/{id}/stream', `${ws}/v1/jobs/${finishedJob}/stream?after=0&token=${KEY}`],
      ['/v1/jobs/{id}/stream', `${ws}/v1/jobs/job_none/stream?token=${KEY}`],
      ['/api/v2/ws/executions/{id}', `${ws}/api/v2/ws/executions/${finishedJob}?replay=1&speed=0&token=${KEY}`, { onOpen: (socket) => socket.send('ping') }],
      ['/api/v2/ws/executions/{id}', `${ws}/api/v2/ws/executions/${finishedJob}?token=wrong`],
      ['/api/v1/ws/campaigns/{id}', `${ws}/api/v1/ws/campaigns/${finishedJob}?after=0&token=${KEY}`],
      ['/v1/ws/campaigns/{id}', `${ws}/v1/ws/campaigns/job_none?token=${KEY}`],
      [
        '/ws/optimization',
        `${ws}/ws/optimization?token=${KEY}`,
        {
          onOpen: (socket) => {
            for (const frame of [{ type: 'ping' }, { type: 'subscribe', jobId: finishedJob, afterEventId: 0 }, { type: 'replay', jobId: finishedJob }, { type: 'subscribe', jobId: 'job_none' }, { type: 'nonsense' }]) {
              socket.send(JSON.stringify(frame));
            }
            socket.send(JSON.stringify({ type: 'unsubscribe', jobId: finishedJob }));
          },
          onMessage: (message, socket) => {
            if (message.type === 'unsubscribed') socket.close();
          },
        },
      ],
    ];
    for (const [address, url, options] of streams) {
      const { messages } = await collect(url, options);
      assert.ok(messages.length > 0, `${url} sent nothing`);
      const schema = sent(address);
      for (const message of messages) assertFits(schema, message, url);
    }
  });

  test('the docs page lists every operation and channel, runs no script and says so in its CSP', async () => {
    const response = await fetch(`${suite.bridge.http}/bridge/v1/docs`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'; style-src 'self'/);
    const page = await response.text();
    assert.doesNotMatch(page, /<script|javascript:|\son[a-z]+=/i);
    for (const [path, item] of Object.entries(openapi.paths as Json)) {
      for (const method of Object.keys(item as Json)) assert.ok(page.includes(`id="${method} ${path}"`), `${method} ${path} is not on the page`);
    }
    for (const id of Object.keys(asyncapi.channels)) assert.ok(page.includes(`id="${id}"`), `channel ${id} is not on the page`);
    assert.ok(page.includes('distance_matrix') && page.includes('MutagentSubscribeRequest') && page.includes('NeroxProgress'));
    const css = await fetch(`${suite.bridge.http}/bridge/v1/docs.css`);
    assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
  });
});
