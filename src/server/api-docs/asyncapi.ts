import type { TSchema } from '@sinclair/typebox';
import type { MountedRoute, RouteRegistry } from '../route-registry.js';
import { jsonSchema, templatePath } from './json-schema.js';
import type { DocumentInfo } from './openapi.js';

type Json = Record<string, unknown>;

/** A message's key in its channel: the schema's title, which every message schema carries. */
function messageName(schema: TSchema): string {
  if (typeof schema.title !== 'string') throw new Error(`a WebSocket message schema has no title: ${JSON.stringify(schema)}`);
  return schema.title;
}

function message(schema: TSchema): Json {
  const payload = jsonSchema(schema);
  return {
    name: messageName(schema),
    ...(typeof schema.description === 'string' && { summary: schema.description }),
    // JAOT's ping and pong are bare text frames.
    contentType: payload.type === 'string' ? 'text/plain' : 'application/json',
    payload,
  };
}

const channelId = (route: MountedRoute): string => `${route.socket!.dialect}${templatePath(route.pattern).path.replace(/[^A-Za-z0-9]+/g, '-')}`.replace(/-$/, '');

const ref = (...segments: string[]): Json => ({ $ref: `#/${segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}` });

/**
 * AsyncAPI 3 for every WebSocket route the app mounted, one channel per URL pattern, from the registry: the
 * messages are the schemas each dialect's encoder output is typed by (`send`) and its client messages are
 * parsed with (`receive`), and the channel's query is the one its sockets validate.
 */
export function asyncApiDocument(registry: RouteRegistry, info: DocumentInfo): Json {
  const channels: Json = {};
  const operations: Json = {};
  for (const route of registry.routes) {
    if (route.kind !== 'ws' || !route.socket) continue;
    const docs = route.socket;
    const id = channelId(route);
    const { path, params } = templatePath(route.pattern);
    const messages = Object.fromEntries([...docs.send, ...docs.receive].map((schema) => [messageName(schema), message(schema)]));
    channels[id] = {
      address: path,
      title: `${docs.dialect}: ${docs.summary}`,
      ...(docs.description !== undefined && { description: docs.description }),
      ...(params.length > 0 && { parameters: Object.fromEntries(params.map((name) => [name, { description: `The ${name} the socket follows.` }])) }),
      messages,
      ...(docs.query && { bindings: { ws: { query: jsonSchema(docs.query) } } }),
      tags: [{ name: docs.dialect }],
    };
    operations[`${id}.send`] = {
      action: 'send',
      summary: `What the bridge sends on ${path}`,
      channel: ref('channels', id),
      messages: docs.send.map((schema) => ref('channels', id, 'messages', messageName(schema))),
    };
    if (docs.receive.length > 0) {
      operations[`${id}.receive`] = {
        action: 'receive',
        summary: `What a client may send on ${path}`,
        channel: ref('channels', id),
        messages: docs.receive.map((schema) => ref('channels', id, 'messages', messageName(schema))),
      };
    }
  }
  const url = new URL(info.serverUrl);
  return {
    asyncapi: '3.1.0',
    info: {
      title: 'optbridge WebSocket streams',
      version: info.version,
      description: 'Each dialect\'s sockets, with every message its clients receive. Any `?replay=1` URL plays a recorded job back with the same messages.',
    },
    defaultContentType: 'application/json',
    servers: {
      bridge: {
        host: url.host,
        protocol: url.protocol === 'https:' ? 'wss' : 'ws',
        security: [ref('components', 'securitySchemes', 'token'), ref('components', 'securitySchemes', 'bearer')],
      },
    },
    channels,
    operations,
    components: {
      securitySchemes: {
        token: { type: 'httpApiKey', in: 'query', name: 'token', description: 'The API key as `?token=`.' },
        bearer: { type: 'http', scheme: 'bearer', description: 'The API key in an Authorization header.' },
      },
    },
  };
}
