import { Type, type Static } from '@sinclair/typebox';
import type { LinearProblem } from '../../src/core/problem.js';
import { jsonObject, PROVIDER, validator } from '../../src/server/validation.js';

export interface JaotSolveRequest {
  problem: LinearProblem;
  provider: string | undefined;
}

/**
 * The doc's problem format (`production_planning`), passed on exactly as submitted: the provider that runs it
 * checks the model (the built-in LP/MIP solver before a job exists, so a bad expression is a 400 naming it;
 * an upstream JAOT checks its own).
 */
export const JaotSolveBody = jsonObject(
  {
    name: Type.Optional(Type.Unknown({ description: 'e.g. "production_planning".' })),
    objective: Type.Optional(Type.Unknown({ description: '{ sense: "maximize" | "minimize", expression: "50*widgets + 40*gadgets" }' })),
    variables: Type.Optional(Type.Unknown({ description: '[{ name, type: "integer" | "continuous" | "binary", lower_bound, upper_bound }]' })),
    constraints: Type.Optional(Type.Unknown({ description: '[{ name, expression: "2*widgets + 3*gadgets <= 240" }]' })),
    provider: PROVIDER,
  },
  { title: 'JaotSolveRequest', description: 'A JAOT model as jaot.txt describes it; the solver that runs it checks the model.' },
);

export const solveValidator = validator(JaotSolveBody);

export function solveRequest(body: Static<typeof JaotSolveBody>, header: string): JaotSolveRequest {
  const { provider, ...model } = body;
  return { problem: { kind: 'lp', model }, provider: provider ?? (header || undefined) };
}

export function parseSolveRequest(body: unknown, header: string): JaotSolveRequest {
  return solveRequest(solveValidator.parse(body), header);
}
