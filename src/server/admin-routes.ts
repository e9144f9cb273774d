import { createHash, timingSafeEqual } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { BridgeError } from '../core/errors.js';
import type { TenantRepository } from '../store/tenant-repository.js';
import { credentialOf } from './auth.js';
import { routeOptionsFor, type ServerContext } from './context.js';
import { route, type RequestInfo } from './http.js';
import { CODED_ERROR, TIME } from './message-schemas.js';
import { explained, jsonObject, validator } from './validation.js';

function errorBody(error: BridgeError): unknown {
  return { error: { code: error.code, message: error.message } };
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The operator's key from BRIDGE_ADMIN_KEY, compared in constant time; without one the admin API is off. */
function requireAdmin(adminKey: string | null, request: RequestInfo): void {
  if (adminKey === null) throw new BridgeError('forbidden', 'the admin API is off: set BRIDGE_ADMIN_KEY to use it');
  const given = credentialOf(request.query, request.header('authorization'));
  if (given === undefined || !timingSafeEqual(digest(given), digest(adminKey))) throw new BridgeError('unauthorized', 'invalid or missing admin key');
}

const TENANT = Type.String(explained('tenant must be 1 to 64 letters, digits, ".", "_" or "-"', { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }));

const CreateKeyBody = jsonObject(
  {
    tenant: TENANT,
    name: Type.String(explained('name must be a non-empty string of at most 200 characters', { minLength: 1, maxLength: 200, pattern: '\\S' })),
    scope: Type.Optional(Type.Union([Type.Literal('read'), Type.Literal('write')], explained('scope must be "read" or "write"', { default: 'write' }))),
    expires_at: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()], explained('expires_at must be an ISO 8601 time'))),
  },
  { title: 'CreateKeyRequest' },
);
const createKey = validator(CreateKeyBody);
const listKeys = validator(Type.Object({ tenant: Type.Optional(Type.String({ description: 'Only this tenant\'s keys.' })) }), 'query');

const ApiKey = Type.Object(
  {
    id: Type.String(),
    tenant: Type.String(),
    name: Type.String(),
    scope: Type.Union([Type.Literal('read'), Type.Literal('write')]),
    createdAt: TIME,
    lastUsedAt: Type.Union([TIME, Type.Null()]),
    expiresAt: Type.Union([TIME, Type.Null()]),
    revokedAt: Type.Union([TIME, Type.Null()]),
  },
  { title: 'ApiKey' },
);
const CreatedKey = Type.Composite([Type.Object({ key: Type.String({ description: 'The secret: shown this once.' }) }), ApiKey], { title: 'CreatedKey' });

/**
 * Managed API keys for operators: list, create (the secret is shown once) and revoke. A revoked key stops
 * working within a second everywhere, and its open sockets close with 4001 (socket/sweep.ts).
 */
export function mountAdminRoutes(ctx: ServerContext, tenants: TenantRepository, adminKey: string | null): void {
  const options = routeOptionsFor(ctx, errorBody, { tag: 'admin', errorSchema: CODED_ERROR });

  const listDocs = {
    summary: 'List API keys',
    access: 'admin' as const,
    query: listKeys,
    responses: { 200: { description: 'Every key, revoked ones too; never a secret.', schema: Type.Object({ keys: Type.Array(ApiKey) }) } },
  };
  route(ctx.app, 'get', '/bridge/v1/admin/keys', options('GET /bridge/v1/admin/keys', listDocs), async (request, input) => {
    requireAdmin(adminKey, request);
    return { status: 200, body: { keys: await tenants.listKeys(input.query().tenant) } };
  });

  const createDocs = { summary: 'Create an API key', access: 'admin' as const, body: createKey, responses: { 201: { description: 'The key; its secret is shown only here.', schema: CreatedKey } } };
  route(ctx.app, 'post', '/bridge/v1/admin/keys', options('POST /bridge/v1/admin/keys', createDocs), async (request, input) => {
    requireAdmin(adminKey, request);
    const { tenant, name, scope = 'write', expires_at: expiresAt } = input.body();
    const { key, info } = await tenants.createKey(tenant, { name, scope, ...(typeof expiresAt === 'string' && { expiresAt: new Date(expiresAt) }) });
    return { status: 201, body: { key, ...info } };
  });

  const revokeDocs = { summary: 'Revoke an API key', description: 'It stops working within a second everywhere; its open sockets close with 4001.', access: 'admin' as const, responses: { 200: { description: 'The revoked key.', schema: ApiKey } } };
  route(ctx.app, 'post', '/bridge/v1/admin/keys/:id/revoke', options('POST /bridge/v1/admin/keys/{id}/revoke', revokeDocs), async (request) => {
    requireAdmin(adminKey, request);
    const revoked = await tenants.revokeKey(request.params[0]!);
    if (!revoked) throw new BridgeError('not_found', `no API key ${request.params[0]}`);
    return { status: 200, body: revoked };
  });
}
