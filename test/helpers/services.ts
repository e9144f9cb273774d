import pg from 'pg';
import { randomBytes } from 'node:crypto';

/**
 * Integration tests run against a real Postgres. A missing DATABASE_URL is a failure, never a skip:
 * `.ci/test.sh` starts Postgres and exports it.
 */
export function requiredEnv(name: 'DATABASE_URL' | 'REDIS_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through \`npm run test:ci\`, which starts the services`);
  return value;
}

/** A fresh database per suite, so suites never see each other's jobs; dropped by the returned function. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = new URL(requiredEnv('DATABASE_URL'));
  const name = `optbridge_test_${randomBytes(6).toString('hex')}`;
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
