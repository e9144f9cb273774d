import { invalid } from '../core/errors.js';
import type { JobStatus } from '../core/job.js';
import type { ProblemKind } from '../core/problem.js';
import type { JobFilter } from '../store/job-repository.js';

/** Records, so the compiler fails here when a kind or a status is added and not listed. */
const KINDS: Record<ProblemKind, true> = { tsp: true, qubo: true, ising: true, maxcut: true, lp: true, campaign: true, prompt: true };
const STATUSES: Record<JobStatus, true> = { queued: true, running: true, paused: true, completed: true, failed: true, cancelled: true };

const PROVIDER = /^[a-z0-9_-]{1,64}$/;
const ID_PART = /^[A-Za-z0-9_-]{1,128}$/;
/** A date (midnight UTC) or a date and time with a zone, as `<input type=date>` and toISOString give them. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

function oneOf<T extends string>(value: string | null, name: string, allowed: Record<T, true>): T | undefined {
  if (value === null || value === '') return undefined;
  if (!Object.hasOwn(allowed, value)) throw invalid(`${name} must be one of ${Object.keys(allowed).join(', ')}, got "${value.slice(0, 64)}"`);
  return value as T;
}

function time(value: string | null, name: string): string | undefined {
  if (value === null || value === '') return undefined;
  const ms = ISO_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw invalid(`${name} must be an ISO 8601 date or time such as 2026-01-31 or 2026-01-31T12:00:00Z, got "${value.slice(0, 64)}"`);
  return new Date(ms).toISOString();
}

function matching(value: string | null, name: string, pattern: RegExp, what: string): string | undefined {
  if (value === null || value === '') return undefined;
  if (!pattern.test(value)) throw invalid(`${name} must be ${what}, got "${value.slice(0, 64)}"`);
  return value;
}

/** `?provider=&kind=&status=&from=&to=&q=` of `GET /bridge/v1/jobs`; each is optional, and together they all apply. */
export function jobFilterOf(query: URLSearchParams): JobFilter {
  const filter: JobFilter = {};
  const provider = matching(query.get('provider'), 'provider', PROVIDER, 'a provider name (lower-case letters, digits, _ and -)');
  const kind = oneOf(query.get('kind'), 'kind', KINDS);
  const status = oneOf(query.get('status'), 'status', STATUSES);
  const createdFrom = time(query.get('from'), 'from');
  const createdTo = time(query.get('to'), 'to');
  const idContains = matching(query.get('q'), 'q', ID_PART, 'part of a job id (letters, digits, _ and -)');
  if (createdFrom && createdTo && createdTo <= createdFrom) throw invalid('to must be later than from');
  if (provider) filter.provider = provider;
  if (kind) filter.kind = kind;
  if (status) filter.status = status;
  if (createdFrom) filter.createdFrom = createdFrom;
  if (createdTo) filter.createdTo = createdTo;
  if (idContains) filter.idContains = idContains;
  return filter;
}
