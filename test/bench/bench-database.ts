import type { JobStatus } from '../../src/core/job.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import { JobRepository } from '../../src/store/job-repository.js';
import { TenantRepository } from '../../src/store/tenant-repository.js';
import { freshPostgresDatabase } from '../helpers/services.js';

export type NewBenchJob = (id: string, status: JobStatus) => Promise<void>;

/** Runs `bench` on a fresh, migrated Postgres database with a `bench` tenant, and drops it afterwards. */
/** `url` lets a bench start a whole bridge on the same database. */
export async function withBenchDatabase<T>(
  bench: (handle: DatabaseHandle, newJob: NewBenchJob, url: string) => Promise<T>,
): Promise<T> {
  const database = await freshPostgresDatabase();
  const handle = await openDatabase({ databaseUrl: database.url, dataDir: '' });
  try {
    await migrateToLatest(handle.db);
    await new TenantRepository(handle.db).addKey('bench', 'bench-key-000000', 'bench');
    const jobs = new JobRepository(handle.db);
    const now = new Date().toISOString();
    const newJob: NewBenchJob = (id, status) =>
      jobs.create({
        id, tenantId: 'bench', provider: 'builtin', kind: 'tsp', status, problem: { kind: 'tsp', distances: [] },
        params: {}, upstreamId: null, lastSeq: 0, result: null, error: null, device: null, gpuSeconds: null,
        createdAt: now, updatedAt: now, finishedAt: null,
      });
    return await bench(handle, newJob, database.url);
  } finally {
    await handle.close();
    await database.drop();
  }
}
