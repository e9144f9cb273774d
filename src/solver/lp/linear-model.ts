import { IDENTIFIER, type LinearConstraint, type LinearForm, ModelError, parseConstraint, parseObjective } from './linear-expression.js';

export type VariableType = 'continuous' | 'integer' | 'binary';

export interface LinearVariable {
  name: string;
  type: VariableType;
  lower: number;
  upper: number;
}

export interface NamedConstraint extends LinearConstraint {
  name: string;
}

/** A JAOT LP/MIP model, checked and reduced to numbers. */
export interface LinearModel {
  sense: 'minimize' | 'maximize';
  objective: LinearForm;
  variables: LinearVariable[];
  constraints: NamedConstraint[];
}

const SENSES: Record<string, LinearModel['sense']> = {
  minimize: 'minimize',
  min: 'minimize',
  maximize: 'maximize',
  max: 'maximize',
};

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ModelError(field, 'must be an object');
  return value as Record<string, unknown>;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ModelError(field, 'must be a non-empty string');
  return value;
}

function bound(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === null) return fallback === 0 ? -Infinity : Infinity;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ModelError(field, 'must be a finite number, or null for no bound');
  return value;
}

/** Checks a JAOT problem (objective, variables, constraints) and parses its expressions; throws ModelError. */
export function parseLinearModel(raw: Record<string, unknown>): LinearModel {
  const objective = record(raw.objective, 'objective');
  const senseText = text(objective.sense, 'objective.sense').toLowerCase();
  const sense = SENSES[senseText];
  if (sense === undefined) throw new ModelError('objective.sense', `must be "minimize" or "maximize", got "${senseText}"`);
  if (!Array.isArray(raw.variables) || raw.variables.length === 0) throw new ModelError('variables', 'must be a non-empty array');

  const variables = raw.variables.map((entry, i): LinearVariable => {
    const field = `variables[${i}]`;
    const v = record(entry, field);
    const name = text(v.name, `${field}.name`);
    if (!IDENTIFIER.test(name)) throw new ModelError(`${field}.name`, `"${name}" is not a name expressions can use (letters, digits, _)`);
    const type = v.type ?? 'continuous';
    if (type !== 'continuous' && type !== 'integer' && type !== 'binary') {
      throw new ModelError(`${field}.type`, `must be "continuous", "integer" or "binary", got ${JSON.stringify(type)}`);
    }
    const lower = bound(v.lower_bound, `${field}.lower_bound`, 0);
    const upper = bound(v.upper_bound, `${field}.upper_bound`, type === 'binary' ? 1 : Infinity);
    if (lower > upper) throw new ModelError(field, `lower_bound ${lower} is above upper_bound ${upper}`);
    return { name, type, lower, upper };
  });
  const known = new Set<string>();
  variables.forEach((v, i) => {
    if (known.has(v.name)) throw new ModelError(`variables[${i}].name`, `"${v.name}" is declared twice`);
    known.add(v.name);
  });

  const rawConstraints = raw.constraints ?? [];
  if (!Array.isArray(rawConstraints)) throw new ModelError('constraints', 'must be an array');
  const constraints = rawConstraints.map((entry, i): NamedConstraint => {
    const c = record(entry, `constraints[${i}]`);
    const name = typeof c.name === 'string' && c.name !== '' ? c.name : `c${i}`;
    const field = `constraints[${i}].expression (${name})`;
    return { name, ...parseConstraint(text(c.expression, field), field, known) };
  });

  return {
    sense,
    objective: parseObjective(text(objective.expression, 'objective.expression'), 'objective.expression', known),
    variables,
    constraints,
  };
}

function linear(coefficients: Map<string, number>, column: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  for (const [name, c] of coefficients) {
    const sign = c < 0 ? '-' : '+';
    parts.push(`${parts.length === 0 && sign === '+' ? '' : `${sign} `}${Math.abs(c)} ${column.get(name)!}`);
  }
  return parts.join(' ');
}

const number = (x: number): string => (x === Infinity ? '+inf' : x === -Infinity ? '-inf' : String(x));

/**
 * CPLEX LP text for HiGHS. Columns are renamed x0, x1, … (their declaration index) so no user name
 * can clash with LP syntax; rows with no variables are left out (the caller checks them).
 */
export function toCplexLp(model: LinearModel): string {
  const column = new Map(model.variables.map((v, i) => [v.name, `x${i}`]));
  const lines = [model.sense === 'maximize' ? 'Maximize' : 'Minimize'];
  const objective = linear(model.objective.coefficients, column);
  lines.push(` obj: ${objective === '' ? '0 x0' : objective}`, 'Subject To');
  model.constraints.forEach((c, i) => {
    if (c.coefficients.size > 0) lines.push(` r${i}: ${linear(c.coefficients, column)} ${c.comparison} ${c.rhs}`);
  });
  lines.push('Bounds');
  model.variables.forEach((v, i) => {
    if (v.lower === -Infinity && v.upper === Infinity) lines.push(` x${i} free`);
    else lines.push(` ${number(v.lower)} <= x${i} <= ${number(v.upper)}`);
  });
  const integers = model.variables.flatMap((v, i) => (v.type === 'continuous' ? [] : [`x${i}`]));
  if (integers.length > 0) lines.push('General', ` ${integers.join(' ')}`);
  lines.push('End', '');
  return lines.join('\n');
}

/** Constraints without variables hold or fail on their own; returns the name of the first that fails. */
export function violatedConstantRow(model: LinearModel): string | null {
  for (const c of model.constraints) {
    if (c.coefficients.size > 0) continue;
    const holds = c.comparison === '<=' ? 0 <= c.rhs : c.comparison === '>=' ? 0 >= c.rhs : c.rhs === 0;
    if (!holds) return c.name;
  }
  return null;
}
