import type { TObject } from '@sinclair/typebox';
import type { Access, MountedRoute, ResponseDoc, RouteRegistry } from '../route-registry.js';
import { isWildcard, jsonSchema, templatePath } from './json-schema.js';

export interface DocumentInfo {
  version: string;
  /** The base URL clients reach the bridge at. */
  serverUrl: string;
}

type Json = Record<string, unknown>;

const SECURITY: Record<Access, Json[]> = {
  read: [{ apiKey: [] }, { apiKeyQuery: [] }],
  write: [{ apiKey: [] }, { apiKeyQuery: [] }],
  admin: [{ adminKey: [] }, { adminKeyQuery: [] }],
  none: [],
};

const SECURITY_SCHEMES = {
  apiKey: { type: 'http', scheme: 'bearer', description: 'A tenant\'s API key. Submitting and cancelling need one with the write scope.' },
  apiKeyQuery: { type: 'apiKey', in: 'query', name: 'token', description: 'The API key as `?token=`, for clients that cannot set headers.' },
  adminKey: { type: 'http', scheme: 'bearer', description: 'The operator\'s BRIDGE_ADMIN_KEY; without one the admin API is off.' },
  adminKeyQuery: { type: 'apiKey', in: 'query', name: 'token', description: 'The admin key as `?token=`.' },
};

const METHOD: Record<string, string> = { get: 'get', post: 'post', put: 'put', del: 'delete', patch: 'patch', head: 'head', trace: 'trace' };

function response(doc: ResponseDoc): Json {
  const content: Json = {};
  if (doc.schema) content['application/json'] = { schema: jsonSchema(doc.schema) };
  for (const type of doc.contentTypes ?? []) content[type] = {};
  return { description: doc.description, ...(Object.keys(content).length > 0 && { content }) };
}

function queryParameters(query: TObject): Json[] {
  const required = new Set(query.required ?? []);
  return Object.entries(query.properties).map(([name, schema]) => {
    const { description, ...rest } = jsonSchema(schema);
    return { name, in: 'query', required: required.has(name), ...(description !== undefined && { description }), schema: rest };
  });
}

function operation(route: MountedRoute, params: string[]): Json {
  const { docs, group } = route;
  const parameters = [
    ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(docs?.query ? queryParameters(docs.query.schema) : []),
  ];
  const error = { description: 'An error, in this API\'s error shape.', ...(group && { content: { 'application/json': { schema: jsonSchema(group.errorSchema) } } }) };
  const responses: Json = {};
  for (const [status, doc] of Object.entries(docs?.responses ?? {})) responses[status] = response(doc);
  if (docs?.body || docs?.query) responses['400'] = { ...error, description: 'The request\'s body or query is not what this route takes; the message names the field.' };
  if (docs && docs.access !== 'none') responses['401'] = { ...error, description: 'A missing, unknown, revoked or expired key.' };
  if (params.length > 0) responses['404'] = { ...error, description: 'No such resource for this key (another tenant\'s job is not found either).' };
  responses.default = error;
  return {
    operationId: `${route.kind}${templatePath(route.pattern).path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(group && { tags: [group.tag] }),
    summary: docs?.summary ?? `${route.kind.toUpperCase()} ${route.pattern}`,
    ...(docs?.description !== undefined && { description: docs.description }),
    ...(!docs && { description: 'Mounted without API docs: listed as the route registry saw it.' }),
    ...(parameters.length > 0 && { parameters }),
    ...(docs?.body && { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(docs.body.schema) } } } }),
    responses,
    ...(docs && { security: SECURITY[docs.access], 'x-optbridge-access': docs.access }),
  };
}

/**
 * OpenAPI 3.1 for every HTTP route the app mounted, from the registry: each documented route's request
 * schemas are the validators it parses with. Fallback handlers (`/*`) go under `x-optbridge-fallbacks`.
 */
export function openApiDocument(registry: RouteRegistry, info: DocumentInfo): Json {
  const paths: Record<string, Json> = {};
  const fallbacks: Json[] = [];
  for (const route of registry.routes) {
    if (route.kind === 'ws') continue;
    if (isWildcard(route.pattern) || !(route.kind in METHOD)) {
      fallbacks.push({ method: route.kind === 'any' ? '*' : route.kind.toUpperCase(), pattern: route.pattern, summary: route.docs?.summary ?? '', ...(route.docs?.description && { description: route.docs.description }) });
      continue;
    }
    const { path, params } = templatePath(route.pattern);
    paths[path] = { ...paths[path], [METHOD[route.kind]!]: operation(route, params) };
  }
  const tags = [...new Set(registry.routes.flatMap((route) => (route.group && route.kind !== 'ws' ? [route.group.tag] : [])))];
  return {
    openapi: '3.1.0',
    info: {
      title: 'optbridge',
      version: info.version,
      description: 'A realtime gateway in front of optimization engines: four vendor dialects and the bridge\'s own API. The WebSocket streams are in /bridge/v1/asyncapi.json.',
    },
    servers: [{ url: info.serverUrl }],
    tags: tags.map((name) => ({ name })),
    paths,
    components: { securitySchemes: SECURITY_SCHEMES },
    'x-optbridge-fallbacks': fallbacks,
  };
}
