import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config/paths.js';
import type { JobEvent, JobEventType } from '../../src/core/event.js';

export interface MappingRow {
  canonical: string;
  eventType: JobEventType;
  messageType: string;
  messageField: string;
}

const strip = (cell: string): string => cell.trim().replace(/^`|`$/g, '');

/** Rows of the first table in `adapters/<dialect>/MAPPING.md`: canonical field, event type, message type, field. */
export function readMappingTable(dialect: string): MappingRow[] {
  const text = readFileSync(join(PROJECT_ROOT, 'adapters', dialect, 'MAPPING.md'), 'utf8');
  const rows: MappingRow[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('|') || /^\|\s*-/.test(line) || /canonical field/.test(line)) continue;
    const cells = line.split('|').slice(1, -1).map(strip);
    if (cells.length < 4) continue;
    rows.push({ canonical: cells[0]!, eventType: cells[1] as JobEventType, messageType: cells[2]!, messageField: cells[3]! });
  }
  return rows;
}

/** A distinctive value for each canonical field, so a row can only pass if that field lands there. */
const SAMPLES: Record<string, unknown> = {
  seq: 7,
  at: '2026-04-19T12:03:11.482Z',
  type: undefined,
  iteration: 4500,
  totalIterations: 20,
  progress: 0.45,
  objective: -142.3,
  bestObjective: -147.8,
  bestSolution: [1, 0, 1, 1, 0],
  temperature: 0.082,
  gap: 0.023,
  metrics: { hypervolume: 0.682, pareto_size: 11 },
  stage: 'evaluating',
  message: 'Iteration 234: obj=1234.56, gap=2.3%',
  error: { code: 'SOLVER_ERROR', message: 'problem is infeasible' },
  result: { objective: 3500, solution: { widgets: 30, gadgets: 60 }, status: 'optimal' },
  'result.objective': 3500,
  'result.solution': { gadgets: 60, widgets: 30 },
  'result.runtimeS': 12.3,
  'result.gpuSeconds': 8.4,
  'result.status': 'optimal',
  'result.device': 'webgpu:lavapipe',
  'result.data': { credits_used: 3 },
  'error.code': 'SURROGATE_TRAINING_FAILED',
  'error.message': 'NaN detected in surrogate predictions',
  'error.data': { iteration: 5 },
};

export function sampleFor(canonical: string, eventType: JobEventType): unknown {
  if (canonical === 'type') return eventType;
  if (!(canonical in SAMPLES)) throw new Error(`no sample value for canonical field ${canonical}`);
  return SAMPLES[canonical];
}

/** A minimal event of `eventType` with `canonical` set to its sample value. */
export function eventWith(canonical: string, eventType: JobEventType): JobEvent {
  const event: JobEvent = { jobId: 'job_mapping', seq: 7, type: eventType, at: '2026-04-19T12:03:11.482Z' };
  const value = sampleFor(canonical, eventType);
  const [head, tail] = canonical.split('.') as [keyof JobEvent, string | undefined];
  if (tail === undefined) (event as unknown as Record<string, unknown>)[head] = value;
  else (event as unknown as Record<string, Record<string, unknown>>)[head] = { [tail]: value };
  return event;
}

/** Reads `a.b[0].c` from a decoded message. */
export function getPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
