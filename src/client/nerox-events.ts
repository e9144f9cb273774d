import { BridgeClientError } from './errors.js';
import type { JobEvent, JobResult } from './types.js';

type Message = Record<string, unknown>;

function defined<T extends Record<string, unknown>>(fields: T): T {
  for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key];
  return fields;
}

/**
 * A Nerox stream message read back into the canonical event it was encoded from: the Nerox encoder maps
 * documented fields by name and puts every other field under `x_bridge` (adapters/nerox/MAPPING.md), so
 * the one step back is exact, apart from `source`, which streams never carry.
 */
export function eventFromNerox(jobId: string, message: Message): JobEvent {
  const { type, x_bridge: extra } = message;
  if (typeof type !== 'string' || typeof extra !== 'object' || extra === null || typeof (extra as Message).seq !== 'number') {
    throw new BridgeClientError('protocol', `unexpected stream message: ${JSON.stringify(message).slice(0, 200)}`);
  }
  const { type: canonicalType, result: resultRest, ...rest } = extra as Message;
  if (type === 'progress') {
    return defined({
      ...rest,
      jobId,
      type: (canonicalType ?? 'progress') as JobEvent['type'],
      at: message.timestamp as string,
      iteration: message.iteration as number | undefined,
      objective: message.energy as number | undefined,
      bestObjective: message.best_energy as number | undefined,
      bestSolution: message.best_solution as JobEvent['bestSolution'],
      temperature: message.temperature as number | undefined,
    }) as JobEvent;
  }
  if (type === 'completed') {
    const documented = (message.result ?? {}) as Message;
    const result: JobResult = defined({
      objective: documented.objective as number | undefined,
      solution: documented.solution as JobResult['solution'],
      runtimeS: documented.runtime_s as number | undefined,
      gpuSeconds: documented.gpu_seconds as number | undefined,
      ...(resultRest as Message | undefined),
    });
    return { ...rest, jobId, type, ...(Object.keys(result).length > 0 && { result }) } as JobEvent;
  }
  return defined({ ...rest, ...(resultRest !== undefined && { result: resultRest }), jobId, type, at: message.timestamp }) as JobEvent;
}
