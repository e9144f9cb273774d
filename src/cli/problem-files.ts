import { readFile } from 'node:fs/promises';
import { FormatError, parseTsplib } from '../core/problem-formats.js';
import { BridgeClientError } from '../client/errors.js';

export const SUBMIT_KINDS = ['tsp', 'qubo', 'maxcut', 'lp'] as const;
export type SubmitKind = (typeof SUBMIT_KINDS)[number];

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new BridgeClientError('invalid_request', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function json(path: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BridgeClientError('invalid_request', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BridgeClientError('invalid_request', `${path} must hold a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * A problem file as the bridge's route takes it: JSON is sent as it is (the Nerox body for tsp, qubo and
 * maxcut; JAOT's model for lp); G-set text goes whole into Max-Cut's `gset`, which the bridge parses; a
 * TSPLIB `.tsp`, which no route reads, becomes the distance matrix under the file's own metric (TSPLIB's
 * rounding, so its published optima hold).
 */
export async function problemBody(kind: SubmitKind, path: string): Promise<Record<string, unknown>> {
  const text = await readText(path);
  if (text.trimStart().startsWith('{')) return json(path, text);
  switch (kind) {
    case 'maxcut':
      return { gset: text };
    case 'tsp':
      try {
        return { distance_matrix: parseTsplib(text).problem.distances };
      } catch (error) {
        if (error instanceof FormatError) throw new BridgeClientError('invalid_request', `${path}: ${error.message}`);
        throw error;
      }
    case 'qubo':
      throw new BridgeClientError('invalid_request', `${path}: a QUBO file is JSON, {"Q": [[…]]} or {"n": …, "terms": [[i, j, q], …]}`);
    case 'lp':
      throw new BridgeClientError('invalid_request', `${path}: an LP file is a JAOT model in JSON`);
  }
}
