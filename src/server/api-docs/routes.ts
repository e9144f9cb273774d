import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { BridgeError } from '../../core/errors.js';
import { PROJECT_ROOT } from '../../config/paths.js';
import { routeOptionsFor, type ServerContext } from '../context.js';
import { route, type RequestInfo } from '../http.js';
import { CODED_ERROR } from '../message-schemas.js';
import { registryOf } from '../route-registry.js';
import { asyncApiDocument } from './asyncapi.js';
import { DOCS_CSS, docsPage } from './docs-page.js';
import { openApiDocument } from './openapi.js';

function errorBody(error: BridgeError): unknown {
  return { error: { code: error.code, message: error.message } };
}

/** The page runs no script and loads nothing but its own stylesheet. */
const PAGE_POLICY = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface Documents {
  base: string;
  openapi: Record<string, unknown>;
  asyncapi: Record<string, unknown>;
  page: string;
}

/**
 * `/bridge/v1/openapi.json`, `/bridge/v1/asyncapi.json` and `/bridge/v1/docs`, generated on first request from
 * the registry, once every route is mounted; kept for the last base URL asked for (it differs by Host header).
 */
export function mountApiDocs(ctx: ServerContext): void {
  const options = routeOptionsFor(ctx, errorBody, { tag: 'bridge', errorSchema: CODED_ERROR });
  const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
  let documents: Documents | undefined;
  const current = (request: RequestInfo): Documents => {
    const base = ctx.publicBase(request.header('host'), 'http');
    if (documents?.base !== base) {
      const info = { version, serverUrl: base };
      const openapi = openApiDocument(registryOf(ctx.app), info);
      const asyncapi = asyncApiDocument(registryOf(ctx.app), info);
      documents = { base, openapi, asyncapi, page: docsPage(openapi, asyncapi) };
    }
    return documents;
  };
  const Document = Type.Record(Type.String(), Type.Unknown());

  const openapiDocs = { summary: 'This document: OpenAPI 3.1 for every HTTP route', access: 'none' as const, responses: { 200: { description: 'The document.', schema: Document } } };
  route(ctx.app, 'get', '/bridge/v1/openapi.json', options('GET /bridge/v1/openapi.json', openapiDocs), async (request) => ({ status: 200, body: current(request).openapi }));

  const asyncapiDocs = { summary: 'AsyncAPI 3 for every dialect\'s WebSocket messages', access: 'none' as const, responses: { 200: { description: 'The document.', schema: Document } } };
  route(ctx.app, 'get', '/bridge/v1/asyncapi.json', options('GET /bridge/v1/asyncapi.json', asyncapiDocs), async (request) => ({ status: 200, body: current(request).asyncapi }));

  const pageDocs = { summary: 'Both documents as a page to read', access: 'none' as const, responses: { 200: { description: 'HTML, no script.', contentTypes: ['text/html'] } } };
  route(ctx.app, 'get', '/bridge/v1/docs', options('GET /bridge/v1/docs', pageDocs), async (request) => ({
    status: 200,
    text: current(request).page,
    contentType: 'text/html; charset=utf-8',
    headers: { 'content-security-policy': PAGE_POLICY, 'x-content-type-options': 'nosniff' },
  }));

  const cssDocs = { summary: 'The docs page\'s stylesheet', access: 'none' as const, responses: { 200: { description: 'CSS.', contentTypes: ['text/css'] } } };
  route(ctx.app, 'get', '/bridge/v1/docs.css', options('GET /bridge/v1/docs.css', cssDocs), async () => ({
    status: 200,
    text: DOCS_CSS,
    contentType: 'text/css; charset=utf-8',
    headers: { 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' },
  }));
}
