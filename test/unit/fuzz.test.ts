import { describe, it } from 'node:test';
import { TARGETS } from '../fuzz/targets.js';

/** Seeded, so a failure in CI repeats locally; bounded, so CI stays fast (`npm run fuzz` runs 100 000 each). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);

describe('fuzzed input to every parser the bridge exposes', () => {
  for (const target of TARGETS) {
    it(target.name, async () => {
      await target.check({ numRuns: RUNS, seed: SEED });
    });
  }
});
