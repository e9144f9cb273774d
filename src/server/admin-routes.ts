import { createHash, timingSafeEqual } from 'node:crypto';
import { BridgeError, invalid } from '../core/errors.js';
import { isRecord } from '../core/json.js';
import type { KeyScope } from '../store/schema.js';
import type { TenantRepository } from '../store/tenant-repository.js';
import { credentialOf } from './auth.js';
import { routeOptionsFor, type ServerContext } from './context.js';
import { route, type RequestInfo } from './http.js';

const TENANT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

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

function parseCreate(body: unknown): { tenant: string; name: string; scope: KeyScope; expiresAt?: Date } {
  if (!isRecord(body)) throw invalid('request body must be a JSON object');
  const { tenant, name, scope = 'write', expires_at: expiresAt } = body;
  if (typeof tenant !== 'string' || !TENANT.test(tenant)) throw invalid('tenant must be 1 to 64 letters, digits, ".", "_" or "-"');
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) throw invalid('name must be a non-empty string of at most 200 characters');
  if (scope !== 'read' && scope !== 'write') throw invalid('scope must be "read" or "write"');
  if (expiresAt === undefined || expiresAt === null) return { tenant, name, scope };
  const at = typeof expiresAt === 'string' ? new Date(expiresAt) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw invalid('expires_at must be an ISO 8601 time');
  return { tenant, name, scope, expiresAt: at };
}

/**
 * Managed API keys for operators: list, create (the secret is shown once) and revoke. A revoked key stops
 * working within a second everywhere, and its open sockets close with 4001 (socket/credential-watch.ts).
 */
export function mountAdminRoutes(ctx: ServerContext, tenants: TenantRepository, adminKey: string | null): void {
  const options = routeOptionsFor(ctx, errorBody);

  route(ctx.app, 'get', '/bridge/v1/admin/keys', options('GET /bridge/v1/admin/keys'), async (request) => {
    requireAdmin(adminKey, request);
    const tenant = request.query.get('tenant') ?? undefined;
    return { status: 200, body: { keys: await tenants.listKeys(tenant) } };
  });

  route(ctx.app, 'post', '/bridge/v1/admin/keys', options('POST /bridge/v1/admin/keys'), async (request, body) => {
    requireAdmin(adminKey, request);
    const { tenant, ...keyOptions } = parseCreate(body);
    const { key, info } = await tenants.createKey(tenant, keyOptions);
    return { status: 201, body: { key, ...info } };
  });

  route(ctx.app, 'post', '/bridge/v1/admin/keys/:id/revoke', options('POST /bridge/v1/admin/keys/{id}/revoke'), async (request) => {
    requireAdmin(adminKey, request);
    const revoked = await tenants.revokeKey(request.params[0]!);
    if (!revoked) throw new BridgeError('not_found', `no API key ${request.params[0]}`);
    return { status: 200, body: revoked };
  });
}
