import type { Migration } from 'kysely';
import * as initial from './0001_initial.js';
import * as managedKeys from './0002_managed_keys.js';
import * as jobOwnership from './0003_job_ownership.js';
import * as quarantinedEvents from './0004_quarantined_events.js';
import * as canonicalEvents from './0005_canonical_events.js';

/** Listed explicitly so the same set runs from TypeScript sources and from the build. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_managed_keys': managedKeys,
  '0003_job_ownership': jobOwnership,
  '0004_quarantined_events': quarantinedEvents,
  '0005_canonical_events': canonicalEvents,
};
