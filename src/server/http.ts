import { accessLine } from './access-log.js';
import { BridgeError, asBridgeError } from '../core/errors.js';
import { inSpan, SpanKind } from '../telemetry/tracing.js';
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { registryOf, type RouteDocs, type RouteGroup } from './route-registry.js';
import type { HttpRequest, HttpResponse, TemplatedApp } from './uws.js';
import { queryObject } from './validation.js';

export interface RequestInfo {
  method: string;
  path: string;
  query: URLSearchParams;
  header(name: string): string;
  params: string[];
}

export interface HttpReply {
  status: number;
  /** JSON body; ignored when `stream` or `text` is set. */
  body?: unknown;
  /** A body that is not JSON (an HTML page, a stylesheet), sent as it is with `contentType`. */
  text?: string;
  headers?: Record<string, string>;
  /** Chunks written one at a time, each after the previous one left uWS's buffer. */
  stream?: AsyncIterable<string>;
  contentType?: string;
}

/** How a dialect writes an error body: each vendor shapes errors its own way. */
export type ErrorBody = (error: BridgeError) => unknown;

/**
 * The request's body and query, each parsed by the route's documented validator when it has one (else the raw
 * JSON body, and no query fields). Parsed when the handler asks, so the key is checked before the input is.
 */
export interface RouteInput<B, Q> {
  body(): B;
  query(): Q;
}

export type Handler<B = unknown, Q = unknown> = (request: RequestInfo, input: RouteInput<B, Q>) => Promise<HttpReply>;

export type Method = 'get' | 'post' | 'put' | 'del';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusLine(status: number): string {
  return `${status} ${STATUS_TEXT[status] ?? ''}`.trim();
}

/** A parameter that is not valid percent-encoding stays as sent: throwing here, in uWS's callback, would end the process. */
export function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function capture(req: HttpRequest, paramCount: number): RequestInfo {
  const headers = new Map<string, string>();
  req.forEach((key, value) => headers.set(key, value));
  const params: string[] = [];
  for (let i = 0; i < paramCount; i++) params.push(decodeParam(req.getParameter(i) ?? ''));
  return {
    method: req.getMethod().toUpperCase(),
    path: req.getUrl(),
    query: new URLSearchParams(req.getQuery() ?? ''),
    header: (name) => headers.get(name) ?? '',
    params,
  };
}

/** Collects the body; must be called synchronously inside the handler, as uWS requires. */
function readBody(res: HttpResponse, declaredLength: number, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (declaredLength > maxBytes) {
      reject(new BridgeError('payload_too_large', `request body is larger than ${maxBytes} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    res.onData((chunk, isLast) => {
      if (failed) return;
      size += chunk.byteLength;
      if (size > maxBytes) {
        failed = true;
        reject(new BridgeError('payload_too_large', `request body is larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) resolve(Buffer.concat(chunks));
    });
  });
}

export function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new BridgeError('invalid_json', `request body is not valid JSON: ${(error as Error).message}`);
  }
}

export function writeJson(res: HttpResponse, reply: HttpReply): void {
  res.cork(() => {
    res.writeStatus(statusLine(reply.status));
    res.writeHeader('content-type', reply.text === undefined ? 'application/json' : (reply.contentType ?? 'text/plain; charset=utf-8'));
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.writeHeader(name, value);
    res.end(reply.text ?? JSON.stringify(reply.body));
  });
}

/** Writes a chunked body, waiting on `onWritable` whenever uWS reports backpressure. */
async function writeStream(res: HttpResponse, reply: HttpReply, isAborted: () => boolean, log: (line: string) => void): Promise<void> {
  res.cork(() => {
    res.writeStatus(statusLine(reply.status));
    res.writeHeader('content-type', reply.contentType ?? 'application/octet-stream');
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.writeHeader(name, value);
  });
  try {
    for await (const chunk of reply.stream!) {
      if (isAborted()) return;
      let flushed = true;
      res.cork(() => {
        flushed = res.write(chunk);
      });
      if (!flushed) {
        await new Promise<void>((resolve) =>
          res.onWritable(() => {
            resolve();
            return true;
          }),
        );
      }
    }
  } catch (error) {
    log(`streamed response failed: ${(error as Error).stack ?? String(error)}`);
    if (!isAborted()) res.close();
    return;
  }
  if (!isAborted()) res.cork(() => res.end());
}

export interface RouteOptions<B extends TSchema = TSchema, Q extends TObject = TObject> {
  errorBody: ErrorBody;
  /** The routes' tag in the API documents and the shape `errorBody` writes. */
  group?: RouteGroup;
  docs?: RouteDocs<B, Q>;
  maxBodyBytes: number;
  /** Route name for spans, e.g. "POST /v1/optimize/tsp". */
  name: string;
  log(line: string): void;
  /** Set when access logging is on (BRIDGE_ACCESS_LOG): one line per answered request. */
  accessLog?(line: string): void;
  /** Cross-origin headers for the request's Origin, when the bridge allows that origin. */
  cors?(origin: string): Record<string, string> | undefined;
}

/** The methods the app serves `path` with (empty when no route has the path at all). */
export function allowedMethods(app: TemplatedApp, path: string): string[] {
  return registryOf(app).allowedMethods(path);
}

function inputOf<B extends TSchema, Q extends TObject>(request: RequestInfo, raw: unknown, docs: RouteDocs<B, Q> | undefined): RouteInput<Static<B>, Static<Q>> {
  let body: { value: Static<B> } | undefined;
  let query: { value: Static<Q> } | undefined;
  return {
    body: () => (body ??= { value: docs?.body ? docs.body.parse(raw) : (raw as Static<B>) }).value,
    query: () => (query ??= { value: docs?.query ? docs.query.parse(queryObject(docs.query.schema, request.query)) : ({} as Static<Q>) }).value,
  };
}

/**
 * One HTTP route: abort handling registered first, request data copied out synchronously (uWS
 * invalidates `req` after the handler returns), JSON body read with a size cap, and every error
 * turned into the dialect's error body, so a bad request never reaches past its own response.
 * The route and its docs go to the app's registry, which the API documents are generated from.
 */
export function route<B extends TSchema = TSchema, Q extends TObject = TObject>(
  app: TemplatedApp,
  method: Method,
  pattern: string,
  options: RouteOptions<B, Q>,
  handler: Handler<Static<B>, Static<Q>>,
): void {
  const paramCount = (pattern.match(/\/:/g) ?? []).length;
  registryOf(app).describe(method, pattern, {
    ...(options.docs && { docs: options.docs as unknown as RouteDocs }),
    ...(options.group && { group: options.group }),
  });
  app[method](pattern, (res, req) => {
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    const request = capture(req, paramCount);
    const started = performance.now();
    const hasBody = method === 'post' || method === 'put';
    const body = hasBody
      ? readBody(res, Number(request.header('content-length') || 0), options.maxBodyBytes)
      : Promise.resolve(undefined);
    void inSpan(
      options.name,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'url.path': request.path, 'http.route': pattern },
      },
      async (span) => {
        let reply: HttpReply;
        try {
          const raw = await body;
          reply = await handler(request, inputOf(request, raw === undefined || raw.length === 0 ? undefined : parseJsonBody(raw), options.docs));
        } catch (error) {
          const bridgeError = asBridgeError(error);
          if (bridgeError.code === 'internal') options.log(`${options.name} failed: ${(error as Error).stack ?? String(error)}`);
          const retryAfterS = bridgeError.details?.retryAfterS;
          reply = { status: bridgeError.status, body: options.errorBody(bridgeError), ...(typeof retryAfterS === 'number' && { headers: { 'retry-after': String(retryAfterS) } }) };
        }
        span.setAttribute('http.response.status_code', reply.status);
        const cors = options.cors?.(request.header('origin'));
        if (cors) reply = { ...reply, headers: { ...reply.headers, ...cors } };
        if (aborted) return;
        if (reply.stream) await writeStream(res, reply, () => aborted, options.log);
        else writeJson(res, reply);
        options.accessLog?.(accessLine(request.method, request.path, request.query, reply.status, performance.now() - started));
      },
    );
  });
}
