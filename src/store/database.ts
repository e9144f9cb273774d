import { mkdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS } from '../../migrations/index.js';
import { PROJECT_ROOT } from '../config/paths.js';
import type { Database } from './schema.js';
import { PGlitePool } from './pglite-pool.js';

export interface DatabaseHandle {
  db: Kysely<Database>;
  /** "postgres" or "pglite:<dir>", for logs and readiness output. */
  description: string;
  /** The pg pool behind `db`, for COPY (Postgres only). */
  copyPool?: pg.Pool;
  close(): Promise<void>;
}

/**
 * DATABASE_URL set → Postgres through pg; unset → embedded PGlite persisted under the data directory.
 * A connection that Postgres drops (a restart, a failover, an administrator's kill) is an 'error' event on
 * its client, which would end the process if nothing listened: it goes to `onConnectionLost`. A query in
 * flight on it rejects to its caller (the event writer retries), the pool discards the connection, and the
 * next query opens a new one.
 */
export async function openDatabase(
  options: { databaseUrl: string | null; dataDir: string },
  onConnectionLost: (error: Error) => void = (error) => console.warn(`postgres connection lost: ${error.message}`),
): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    pool.on('connect', (client) => client.on('error', onConnectionLost));
    // pg-pool re-emits an idle client's error here, where it throws without a listener; the client's own listener already reported it.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, description: 'postgres', copyPool: pool, close: () => db.destroy() };
  }
  const dir = join(isAbsolute(options.dataDir) ? options.dataDir : join(PROJECT_ROOT, options.dataDir), 'pglite');
  mkdirSync(dir, { recursive: true });
  const lite = await PGlite.create(dir);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new PGlitePool(lite) }) });
  return { db, description: `pglite:${dir}`, close: () => db.destroy() };
}

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
}

function check(result: MigrationResultSet): void {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(result.error as Error).message ?? String(result.error)}`);
  }
}

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  check(await migrator(db).migrateToLatest());
}

export async function migrateDown(db: Kysely<Database>): Promise<void> {
  check(await migrator(db).migrateDown());
}

export async function isReachable(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
