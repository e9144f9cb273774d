import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledBeforeStart, checkLinearModel, type LinearProgress, ModelError, SOLVER_THREADS, solveLinear } from '../../src/solver/index.js';
import { Rng } from '../../src/solver/annealing/random.js';
import { PRODUCTION_PLANNING } from '../helpers/doc-messages.js';
import { abortAfterProgress } from '../helpers/solver-checks.js';

/** Brute force over the integer box: the true optimum of production_planning. */
function productionOptimum(): { value: number; widgets: number; gadgets: number } {
  let best = { value: -Infinity, widgets: 0, gadgets: 0 };
  for (let w = 0; w <= 100; w++) {
    for (let g = 0; g <= 80; g++) {
      if (2 * w + 3 * g <= 240 && 4 * w + 2 * g <= 200 && 50 * w + 40 * g > best.value) best = { value: 50 * w + 40 * g, widgets: w, gadgets: g };
    }
  }
  return best;
}

/** Cornuéjols–Dawande market split: tiny, and famously slow for branch and bound. */
function marketSplit(seed: number): Record<string, unknown> {
  const rng = new Rng(seed);
  const n = 36;
  const variables = Array.from({ length: n }, (_, j) => ({ name: `x${j}`, type: 'binary' }));
  const constraints = Array.from({ length: 5 }, (_, i) => {
    const a = Array.from({ length: n }, () => rng.below(100));
    const rhs = Math.floor(a.reduce((s, v) => s + v, 0) / 2);
    return { name: `split${i}`, expression: `${a.map((v, j) => `${v}*x${j}`).join(' + ')} + s${i}p - s${i}m = ${rhs}` };
  });
  const slacks = Array.from({ length: 5 }, (_, i) => [
    { name: `s${i}p`, type: 'continuous' },
    { name: `s${i}m`, type: 'continuous' },
  ]).flat();
  return {
    objective: { sense: 'minimize', expression: slacks.map((s) => s.name).join(' + ') },
    variables: [...variables, ...slacks],
    constraints,
  };
}

describe('solveLinear (HiGHS)', () => {
  it('solves production_planning to its true optimum', async () => {
    const expected = productionOptimum();
    assert.deepEqual(expected, { value: 3550, widgets: 15, gadgets: 70 });
    const outcome = await solveLinear(PRODUCTION_PLANNING, { timeLimitS: 30 });
    assert.equal(outcome.status, 'optimal');
    assert.equal(outcome.objective, 3550);
    assert.deepEqual(outcome.solution, { widgets: 15, gadgets: 70 });
    assert.equal(outcome.gap, 0);
  });

  it('solves a continuous LP with constants, parentheses and both sides', async () => {
    const outcome = await solveLinear({
      objective: { sense: 'min', expression: '3*(x + y) - y + 10' },
      variables: [
        { name: 'x', type: 'continuous' },
        { name: 'y', type: 'continuous', upper_bound: null },
      ],
      constraints: [
        { name: 'demand', expression: 'x + 2*y >= 8 - x' },
        { name: 'cap', expression: 'y <= 3' },
      ],
    });
    assert.equal(outcome.status, 'optimal');
    assert.ok(Math.abs(outcome.objective! - 19) < 1e-9, `objective ${outcome.objective}`);
    assert.ok(Math.abs(outcome.solution.x! - 1) < 1e-9 && Math.abs(outcome.solution.y! - 3) < 1e-9);
  });

  it('reports an infeasible variant', async () => {
    const outcome = await solveLinear({
      ...PRODUCTION_PLANNING,
      constraints: [...PRODUCTION_PLANNING.constraints, { name: 'volume', expression: 'widgets + gadgets >= 200' }],
    });
    assert.equal(outcome.status, 'infeasible');
    assert.equal(outcome.objective, null);
    assert.deepEqual(outcome.solution, {});
  });

  it('reports a constraint without variables that cannot hold as infeasible, from the worker', async () => {
    const outcome = await solveLinear({ ...PRODUCTION_PLANNING, constraints: [...PRODUCTION_PLANNING.constraints, { name: 'never', expression: '1 >= 2' }] });
    assert.deepEqual(outcome, { status: 'infeasible', objective: null, solution: {}, gap: null, runtimeS: 0 });
  });

  it('reports an unbounded model', async () => {
    const outcome = await solveLinear({
      objective: { sense: 'maximize', expression: 'x - y' },
      variables: [{ name: 'x' }, { name: 'y' }],
      constraints: [{ name: 'link', expression: 'x - 2*y <= 4' }],
    });
    assert.equal(outcome.status, 'unbounded');
  });

  for (const [expression, pattern] of [
    ['2*widgets + * gadgets <= 240', /constraints\[0\]\.expression \(machine_hours\): expected a number, a variable or "\(" but found "\*" at column 13/],
    ['2*widgets*gadgets <= 240', /product of two variables is not linear at column 10/],
    ['2*widget + 3*gadgets <= 240', /unknown variable "widget" at column 3/],
    ['2*widgets + 3*gadgets', /expected a comparison .* at column 22/],
    ['2*widgets + 3*gadgets <= 240)', /unexpected "\)" at column 29/],
    ['2*widgets $ 3 <= 1', /unexpected character "\$" at column 11/],
    ['1e309*widgets <= 1', /number 1e309 is out of range at column 1/],
    ['1e200*1e200*widgets <= 1', /the coefficient of widgets is out of range/],
    [`${'('.repeat(101)}widgets${')'.repeat(101)} <= 1`, /parentheses nested more than 100 deep at column 101/],
  ] as const) {
    it(`points at the bad token in "${expression}"`, async () => {
      await assert.rejects(
        solveLinear({ ...PRODUCTION_PLANNING, constraints: [{ name: 'machine_hours', expression }] }),
        (error: unknown) => error instanceof ModelError && pattern.test(error.message) && error.field.startsWith('constraints[0]'),
      );
    });
  }

  it('parses 20 000 minus signs and a 20 000-variable sum without deep recursion or quadratic copying', async () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `x${i}`);
    const model = {
      objective: { sense: 'maximize', expression: names.join(' + ') },
      variables: names.map((name) => ({ name, upper_bound: 1 })),
      constraints: [{ name: 'budget', expression: `${'-'.repeat(20_000)}x0 + x1 <= 1` }],
    };
    const outcome = await solveLinear(model, { timeLimitS: 30 });
    assert.equal(outcome.status, 'optimal');
    assert.equal(outcome.objective, 19_999, "an even run of minus signs is a plus: x0 + x1 <= 1");
  });

  it('rejects malformed fields with their path', async () => {
    await assert.rejects(solveLinear({ ...PRODUCTION_PLANNING, objective: { sense: 'up', expression: 'widgets' } }), /objective\.sense: must be "minimize" or "maximize"/);
    await assert.rejects(
      solveLinear({ ...PRODUCTION_PLANNING, variables: [{ name: 'widgets', type: 'int' }] }),
      /variables\[0\]\.type: must be "continuous", "integer" or "binary", got "int"/,
    );
    await assert.rejects(
      solveLinear({ ...PRODUCTION_PLANNING, variables: [{ name: 'widgets', upper_bound: Number.POSITIVE_INFINITY }] }),
      /variables\[0\]\.upper_bound: must be a finite number, or null for no bound/,
    );
  });

  it('checks a model on a worker thread while every solver thread is busy and another solve waits', async () => {
    const controller = new AbortController();
    let started = 0;
    let queued = 0;
    let bothReady: () => void;
    const ready = new Promise<void>((resolve) => (bothReady = resolve));
    const seen = (): void => {
      if (started === SOLVER_THREADS && queued === 1) bothReady();
    };
    const settled: string[] = [];
    const solves = Array.from({ length: SOLVER_THREADS + 1 }, (_, i) => {
      const solve = solveLinear(marketSplit(10 + i), {
        timeLimitS: 300,
        signal: controller.signal,
        queue: {
          onStarted: () => {
            started++;
            seen();
          },
          onQueued: () => {
            queued++;
            seen();
          },
        },
      });
      solve.then(
        () => settled.push('solve'),
        () => settled.push('solve'),
      );
      return solve;
    });
    await ready;

    await checkLinearModel(PRODUCTION_PLANNING);
    await assert.rejects(
      checkLinearModel({ ...PRODUCTION_PLANNING, constraints: [{ name: 'machine_hours', expression: '2*widgets + * gadgets <= 240' }] }),
      (error: unknown) => error instanceof ModelError && error.field === 'constraints[0].expression (machine_hours)' && error.column === 13,
    );
    assert.deepEqual(settled, [], 'both checks answered while the solves still ran or waited');

    controller.abort();
    const outcomes = await Promise.allSettled(solves);
    for (const outcome of outcomes.slice(0, SOLVER_THREADS)) assert.equal(outcome.status === 'fulfilled' && outcome.value.status, 'cancelled');
    const waiting = outcomes.at(-1)!;
    assert.ok(waiting.status === 'rejected' && waiting.reason instanceof CancelledBeforeStart);
  });

  it('stops at the time limit with the incumbent so far', async () => {
    const outcome = await solveLinear(marketSplit(1), { timeLimitS: 1 });
    assert.equal(outcome.status, 'time_limit');
    assert.ok(outcome.runtimeS < 30);
  });

  it('cancels a long branch and bound, progress before the abort, none after', async () => {
    const controller = new AbortController();
    const events: string[] = [];
    const seen: LinearProgress[] = [];
    const outcome = await solveLinear(marketSplit(2), {
      timeLimitS: 300,
      signal: controller.signal,
      progressIntervalMs: 100,
      onProgress: abortAfterProgress(controller, events, 2, (p: LinearProgress) => seen.push(p)),
    });
    events.push('outcome');
    assert.deepEqual(events, ['progress', 'progress', 'abort', 'outcome']);
    assert.equal(outcome.status, 'cancelled');
    assert.ok(outcome.runtimeS < 120);
    assert.ok(seen.every((p) => p.nodes >= 0 && p.runtimeS >= 0));
  });
});
