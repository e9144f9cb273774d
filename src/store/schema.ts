import type { ColumnType, Generated } from 'kysely';

/** jsonb: read back parsed, written as JSON text so pg and PGlite serialise it the same way. */
type Json<T = unknown> = ColumnType<T, string, string>;
type NullableJson<T = unknown> = ColumnType<T | null, string | null, string | null>;
type Timestamp = ColumnType<Date, string, string>;

export interface TenantsTable {
  id: string;
  name: string;
  created_at: ColumnType<Date, string | undefined, never>;
}

export interface ApiKeysTable {
  /** sha256 of the key: keys are long random strings, so a fast hash is enough and keeps lookups cheap. */
  key_hash: string;
  tenant_id: string;
  /** The key's name. */
  label: string;
  created_at: ColumnType<Date, string | undefined, never>;
  /** What names the key in lists and revocations; the hash is never shown. */
  id: Generated<string>;
  scope: ColumnType<KeyScope, KeyScope | undefined, KeyScope>;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/** `read` sees jobs, events and streams; `write` also submits and cancels. */
export type KeyScope = 'read' | 'write';

export interface JobsTable {
  id: string;
  tenant_id: string;
  provider: string;
  kind: string;
  status: string;
  problem: Json;
  params: Json;
  upstream_id: string | null;
  last_seq: number;
  last_hash: string | null;
  result: NullableJson;
  error: NullableJson;
  device: string | null;
  gpu_seconds: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: ColumnType<Date | null, string | null, string | null>;
  /** The node running the job; null while a built-in job waits in the cluster's queue. */
  owner_node: ColumnType<string | null, string | null | undefined, string | null>;
  /** The fencing token: raised by every takeover, checked by every write. */
  owner_epoch: ColumnType<number, number | undefined, number>;
}

export interface EventsTable {
  job_id: string;
  seq: number;
  type: string;
  at: Timestamp;
  event: Json;
  raw: NullableJson;
  /**
   * The event's canonical JSON, raw message included: the bytes `hash` covers and the canonical export's line.
   * Null for events recorded before migration 0005, whose bytes are rebuilt from `event` and `raw`.
   */
  canonical: ColumnType<string | null, string | null | undefined, string | null>;
  /** sha256(prev_hash ‖ canonical event bytes), hex: the per-job tamper-evident chain. */
  hash: string;
  recorded_at: Generated<Date>;
}

export interface QuarantinedEventsTable {
  job_id: string;
  seq: number;
  /** The event as the writer serialised it (UTF-8 JSON), whatever the database made of it. */
  bytes: Buffer;
  error: string;
  quarantined_at: Generated<Date>;
}

export interface Database {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  jobs: JobsTable;
  events: EventsTable;
  quarantined_events: QuarantinedEventsTable;
}
