import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMaxCutRequest, parseQuboRequest } from '../../adapters/nerox/schema.js';

const LIMITS = { maxVariables: 200_000, maxTerms: 2_000_000, maxTimeLimitS: 60 };

test('a large edge list without n gets n from its largest vertex (no argument-spreading stack overflow)', () => {
  const edges = Array.from({ length: 150_000 }, (_, k) => [k, k + 1]);
  const { problem } = parseMaxCutRequest({ edges }, '', LIMITS);
  assert.equal(problem.n, 150_001);
});

test('a dense Q folds Q[i][j] + Q[j][i] into the upper triangle and counts only non-zero terms against the limit', () => {
  const { problem } = parseQuboRequest({ Q: [[1, 2, 0], [3, 0, 0], [0, 0, -1]] }, '', LIMITS);
  assert.deepEqual(problem.terms, [[0, 0, 1], [0, 1, 5], [2, 2, -1]]);
  const dense = Array.from({ length: 40 }, () => Array.from({ length: 40 }, () => 1));
  assert.throws(() => parseQuboRequest({ Q: dense }, '', { ...LIMITS, maxTerms: 100 }), /Q has more than 100 non-zero entries/);
});
