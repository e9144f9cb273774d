import { Rng } from '../../src/solver/annealing/random.js';

const VARIABLES = 2000;
const TERMS_PER_ROW = 40;

/**
 * A JAOT LP whose JSON body is at least `bytes` long: 2000 variables and as many rows of 40 positive
 * terms as it takes, each `<=` a positive bound. Minimising the sum of the variables plus 5 puts every
 * variable at 0 and the objective at 5, so HiGHS's presolve settles it at once whatever the size.
 */
export function largeLinearModel(bytes: number, seed = 1): { objective: { sense: string; expression: string }; variables: object[]; constraints: { name: string; expression: string }[] } {
  const rng = new Rng(seed);
  const names = Array.from({ length: VARIABLES }, (_, j) => `v${j}`);
  const model = {
    objective: { sense: 'minimize', expression: `${names.join(' + ')} + 5` },
    variables: names.map((name) => ({ name, type: 'continuous', lower_bound: 0, upper_bound: 100 })),
    constraints: [] as { name: string; expression: string }[],
  };
  let size = JSON.stringify(model).length;
  while (size < bytes) {
    const terms = Array.from({ length: TERMS_PER_ROW }, () => `${1 + rng.below(99)}*${names[rng.below(VARIABLES)]}`);
    const row = { name: `row${model.constraints.length}`, expression: `${terms.join(' + ')} <= ${1000 + rng.below(9000)}` };
    model.constraints.push(row);
    size += JSON.stringify(row).length + 1;
  }
  return model;
}
