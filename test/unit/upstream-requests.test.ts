import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMaxCutRequest, parseQuboRequest, parseTspRequest } from '../../adapters/nerox/schema.js';
import { neroxRequest } from '../../adapters/nerox/upstream.js';
import type { SolveParams } from '../../src/core/job.js';
import type { MaxCutProblem, QuboProblem, TspProblem } from '../../src/core/problem.js';

const limits = { maxCities: 100, maxVariables: 100, maxTerms: 1000, maxTimeLimitS: 60 };
const params: SolveParams = { device: 'gpu', timeLimitS: 5, targetEnergy: -10, seed: 7, replicas: 32 };

describe('nerox creation requests', () => {
  test('what the provider sends Nerox is what the bridge\'s own Nerox dialect reads back', () => {
    const tsp: TspProblem = { kind: 'tsp', distances: [[0, 2, 3], [2, 0, 4], [3, 4, 0]] };
    const qubo: QuboProblem = { kind: 'qubo', n: 3, terms: [[0, 0, -1], [0, 2, 2], [1, 2, -3]] };
    const maxcut: MaxCutProblem = { kind: 'maxcut', n: 4, edges: [[0, 1, 1], [1, 2, 2], [2, 3, 1]] };
    assert.deepEqual(parseTspRequest(neroxRequest(tsp, params), '', limits), { problem: tsp, params, provider: undefined });
    assert.deepEqual(parseQuboRequest(neroxRequest(qubo, params), '', limits), { problem: qubo, params, provider: undefined });
    assert.deepEqual(parseMaxCutRequest(neroxRequest(maxcut, params), '', limits), { problem: maxcut, params, provider: undefined });
  });

  test('options the job does not set are left out, not sent as null', () => {
    const body = neroxRequest({ kind: 'tsp', distances: [[0, 1], [1, 0]] }, {});
    assert.deepEqual(body, { distance_matrix: [[0, 1], [1, 0]] });
  });
});
