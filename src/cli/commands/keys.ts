import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { migrateToLatest, openDatabase } from '../../store/database.js';
import { TenantRepository, type ApiKeyInfo } from '../../store/tenant-repository.js';
import { note, out, table } from '../terminal.js';

/**
 * Managed keys, straight against the bridge's database (DATABASE_URL, else the PGlite folder BRIDGE_DATA_DIR,
 * as the bridge itself finds it): an operator's tool, run where the bridge runs, so it needs no admin key.
 */
async function withTenants<T>(use: (tenants: TenantRepository) => Promise<T>): Promise<T> {
  const database = await openDatabase(loadConfig());
  try {
    await migrateToLatest(database.db);
    return await use(new TenantRepository(database.db));
  } finally {
    await database.close();
  }
}

function scope(value: string): 'read' | 'write' {
  if (value !== 'read' && value !== 'write') throw new InvalidArgumentError('must be read or write.');
  return value;
}

function time(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new InvalidArgumentError('must be an ISO 8601 time, e.g. 2027-01-31T00:00:00Z.');
  return at;
}

const row = (key: ApiKeyInfo): string[] => [key.id, key.tenant, key.name, key.scope, key.createdAt, key.lastUsedAt ?? '-', key.expiresAt ?? '-', key.revokedAt ?? '-'];

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description("manage API keys in the bridge's database (DATABASE_URL or BRIDGE_DATA_DIR)");

  keys
    .command('create')
    .description('a new key; the secret goes to stdout, this once')
    .requiredOption('--tenant <tenant>', 'whose jobs the key sees')
    .requiredOption('--name <name>', 'what the key is for, shown in lists')
    .option('--scope <scope>', 'read (dashboards, auditors) or write (also submit and cancel)', scope, 'write')
    .option('--expires <time>', 'when the key stops working (ISO 8601)', time)
    .action(async (options: { tenant: string; name: string; scope: 'read' | 'write'; expires?: Date }) => {
      const { key, info } = await withTenants((tenants) =>
        tenants.createKey(options.tenant, { name: options.name, scope: options.scope, ...(options.expires && { expiresAt: options.expires }) }),
      );
      note(`created ${info.id} (${info.scope}) for tenant ${info.tenant}; the key is shown once:`);
      out(key);
    });

  keys
    .command('list')
    .description('every key (never its secret)')
    .option('--tenant <tenant>', "only this tenant's keys")
    .option('--json', 'as JSON')
    .action(async (options: { tenant?: string; json?: boolean }) => {
      const list = await withTenants((tenants) => tenants.listKeys(options.tenant));
      if (options.json) return out(JSON.stringify(list));
      for (const line of table(['ID', 'TENANT', 'NAME', 'SCOPE', 'CREATED', 'LAST USED', 'EXPIRES', 'REVOKED'], list.map(row))) out(line);
    });

  keys
    .command('revoke')
    .description('stops a key at once: within a second its requests are refused and its sockets closed (4001)')
    .argument('<id>', 'the key id, as `keys list` shows it')
    .action(async (id: string) => {
      const revoked = await withTenants((tenants) => tenants.revokeKey(id));
      if (!revoked) throw new Error(`no API key ${id}`);
      note(`revoked ${revoked.id} of tenant ${revoked.tenant} at ${revoked.revokedAt}`);
    });
}
