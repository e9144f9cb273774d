import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../src/config/config.js';
import { startBridge } from '../../src/bridge.js';
import { migrateDown, migrateToLatest, openDatabase } from '../../src/store/database.js';
import { api, openTestStore, STORES, TENANT_KEYS } from '../helpers/bridge.js';
import { waitFor } from '../helpers/wait.js';
import { MIGRATIONS } from '../../migrations/index.js';

async function tables(db: Parameters<typeof migrateToLatest>[0]): Promise<string[]> {
  const result = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(db);
  return result.rows.map((r) => r.table_name);
}

for (const storeKind of STORES) {
  describe(`start-up on ${storeKind}`, () => {
    test('migrations go up and back down cleanly, and up again', async () => {
      const store = await openTestStore(storeKind);
      const config = loadConfig({ ...store.env });
      const handle = await openDatabase(config);
      try {
        await migrateToLatest(handle.db);
        assert.deepEqual(await tables(handle.db), ['api_keys', 'events', 'jobs', 'quarantined_events', 'tenants']);
        for (const _migration of Object.keys(MIGRATIONS)) await migrateDown(handle.db);
        assert.deepEqual(await tables(handle.db), []);
        await migrateToLatest(handle.db);
        assert.deepEqual(await tables(handle.db), ['api_keys', 'events', 'jobs', 'quarantined_events', 'tenants']);
      } finally {
        await handle.close();
        await store.dispose();
      }
    });

    test('with no key configured, the first start creates one, prints it once, and it works', async () => {
      const store = await openTestStore(storeKind);
      const lines: string[] = [];
      const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', ...store.env });
      try {
        const first = await startBridge(config, { log: (line) => lines.push(line) });
        const key = first.createdApiKey;
        assert.ok(key);
        assert.equal(lines.filter((line) => line.includes(key)).length, 1);
        const base = `http://127.0.0.1:${first.port}`;
        assert.equal((await api(base, 'GET', '/bridge/v1/jobs', { key })).status, 200);
        assert.equal((await api(base, 'GET', '/healthz')).status, 200);
        assert.deepEqual((await api(base, 'GET', '/readyz')).body, { status: 'ready', store: true });
        await first.close();

        const second = await startBridge(config, { log: (line) => lines.push(line) });
        assert.equal(second.createdApiKey, null, 'the key is created once, not at every start');
        assert.equal((await api(`http://127.0.0.1:${second.port}`, 'GET', '/bridge/v1/jobs', { key })).status, 200);
        await second.close();
      } finally {
        await store.dispose();
      }
    });
  });
}

describe('a Postgres that drops its connections', () => {
  test('the bridge logs it, stays up, and serves from new connections, whether they were idle or mid-query', async () => {
    const store = await openTestStore('postgres');
    const lines: string[] = [];
    const databaseUrl = store.env.DATABASE_URL!;
    const bridge = await startBridge(loadConfig({ PORT: '0', HOST: '127.0.0.1', BRIDGE_API_KEYS: `acme:${TENANT_KEYS.acme}`, ...store.env }), {
      log: (line) => lines.push(line),
    });
    const admin = new pg.Client({ connectionString: databaseUrl });
    try {
      const base = `http://127.0.0.1:${bridge.port}`;
      assert.equal((await api(base, 'GET', '/bridge/v1/jobs', { key: TENANT_KEYS.acme })).status, 200);
      await admin.connect();
      const { db } = bridge.database;
      await Promise.all([sql`select 1`.execute(db), sql`select 1`.execute(db)]);
      const busy = sql`select pg_sleep(5)`.execute(db).then(
        () => 'finished',
        (error: Error) => error.message,
      );
      await waitFor(async () => (await admin.query("select 1 from pg_stat_activity where query = 'select pg_sleep(5)'")).rowCount === 1);
      const { rowCount } = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      assert.ok(rowCount && rowCount > 1, 'the bridge held a busy connection and idle ones to drop');
      assert.match(await busy, /terminat/, 'the query in flight fails to its caller');
      // Each dropped connection reports once; until then the pool may still hand out one that is gone.
      await waitFor(() => lines.filter((line) => line.includes('postgres connection lost')).length >= rowCount);
      assert.equal((await api(base, 'GET', '/bridge/v1/jobs', { key: TENANT_KEYS.acme })).status, 200);
      assert.deepEqual((await api(base, 'GET', '/readyz')).body, { status: 'ready', store: true });
    } finally {
      await admin.end();
      await bridge.close();
      await store.dispose();
    }
  });
});
