import fc from 'fast-check';
import { parseClientMessage } from '../../adapters/mutagent/schema.js';
import { parseIsingRequest, parseMaxCutRequest, parseQuboRequest, parseTspRequest } from '../../adapters/nerox/schema.js';
import { canonicalJson, storable } from '../../src/core/canonical.js';
import { BridgeError } from '../../src/core/errors.js';
import { FormatError, parseBqp, parseGset, parseTsplib } from '../../src/core/problem-formats.js';
import { ModelError } from '../../src/solver/lp/linear-expression.js';
import { parseLinearModel } from '../../src/solver/lp/linear-model.js';

/**
 * One property per parser the bridge exposes to input from outside: whatever arrives, it is answered with the
 * parser's own refusal (which the routes turn into the dialect's error) or a result, never another exception.
 * `test/unit/fuzz.test.ts` runs each for a few hundred seeded cases in CI; `npm run fuzz` for 100 000.
 */
export interface FuzzTarget {
  name: string;
  check(parameters: fc.Parameters<unknown>): void | Promise<void>;
}

function target<Ts extends unknown[]>(name: string, property: fc.IRawProperty<Ts>): FuzzTarget {
  return { name, check: (parameters) => fc.assert(property, parameters as fc.Parameters<Ts>) };
}

const LIMITS = { maxCities: 200, maxVariables: 2_000, maxTerms: 20_000, maxTimeLimitS: 3_600 };

/** Runs `parse`; any throw other than the parser's own refusal fails the property. */
function refusesCleanly(parse: () => unknown, ...refusals: (new (...args: never[]) => Error)[]): boolean {
  try {
    parse();
  } catch (error) {
    if (!refusals.some((type) => error instanceof type)) throw error;
  }
  return true;
}

/** Lines of a benchmark file: mostly its own vocabulary and numbers, so the parser gets past its first check. */
const formatText = (words: string[]) =>
  fc
    .array(fc.oneof(fc.constantFrom(...words), fc.integer({ min: -5, max: 2_000 }).map(String), fc.double().map(String), fc.string({ maxLength: 8 })), { maxLength: 60 })
    .chain((tokens) => fc.array(fc.constantFrom(' ', '\n', ': ', '\t'), { minLength: tokens.length, maxLength: tokens.length }).map((seps) => tokens.map((t, i) => t + seps[i]).join('')));

/** JSON bodies shaped like the routes' own, with every field free to be wrong. */
const bodyLike = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(fc.record(fields, { requiredKeys: [] }), fc.jsonValue(), fc.anything());

const numbers = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1e308, Number.NaN));
const matrix = fc.array(fc.array(numbers, { maxLength: 6 }), { maxLength: 6 });
const triples = fc.array(fc.tuple(fc.integer({ min: -2, max: 8 }), fc.integer({ min: -2, max: 8 }), numbers), { maxLength: 12 });

const TSPLIB_WORDS = ['NAME', 'DIMENSION', 'EDGE_WEIGHT_TYPE', 'EUC_2D', 'CEIL_2D', 'EXPLICIT', 'EDGE_WEIGHT_FORMAT', 'UPPER_ROW', 'FULL_MATRIX', 'NODE_COORD_SECTION', 'EDGE_WEIGHT_SECTION', 'EOF', '3'];
const EXPRESSION_WORDS = ['x', 'y', '+', '-', '*', '(', ')', '2', '<=', '>=', '='];

const frames = fc.oneof(
  fc.string(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .record({ type: fc.constantFrom('subscribe', 'unsubscribe', 'replay', 'ping', 'x'), jobId: fc.anything(), afterEventId: fc.anything() }, { requiredKeys: [] })
    .map((v) => JSON.stringify(v)),
);

const neroxBodies = bodyLike({
  distance_matrix: matrix,
  coordinates: matrix,
  Q: matrix,
  n: numbers,
  terms: triples,
  h: fc.array(numbers),
  J: triples,
  edges: triples,
  gset: fc.string(),
  time_limit_s: numbers,
  seed: numbers,
  solver: fc.string(),
  provider: fc.anything(),
});

const jaotModels = fc.record(
  {
    objective: fc.record({ sense: fc.constantFrom('maximize', 'minimize', 'x'), expression: fc.oneof(fc.string(), formatText(EXPRESSION_WORDS)) }, { requiredKeys: [] }),
    variables: fc.array(
      fc.record({ name: fc.constantFrom('x', 'y', '1z', ''), type: fc.constantFrom('integer', 'continuous', 'binary', 'q'), lower_bound: numbers, upper_bound: numbers }, { requiredKeys: [] }),
      { maxLength: 4 },
    ),
    constraints: fc.array(fc.record({ name: fc.string(), expression: formatText(EXPRESSION_WORDS) }, { requiredKeys: [] }), { maxLength: 4 }),
  },
  { requiredKeys: [] },
);

export const TARGETS: readonly FuzzTarget[] = [
  target(
    'canonical JSON: stable bytes and a stable round trip',
    fc.property(fc.jsonValue(), (value) => {
      const bytes = canonicalJson(storable(value));
      return canonicalJson(JSON.parse(bytes)) === bytes && canonicalJson(storable(value)) === bytes;
    }),
  ),
  target('Mutagent client frames', fc.property(frames, (text) => refusesCleanly(() => parseClientMessage(text), BridgeError))),
  target(
    'Nerox create bodies (tsp, qubo, ising, maxcut)',
    fc.property(neroxBodies, fc.constantFrom(parseTspRequest, parseQuboRequest, parseIsingRequest, parseMaxCutRequest), (body, parse) =>
      refusesCleanly(() => parse(body, '', LIMITS), BridgeError),
    ),
  ),
  target('JAOT models and their LP expressions', fc.property(jaotModels, (model) => refusesCleanly(() => parseLinearModel(model), ModelError, BridgeError))),
  target('TSPLIB text', fc.property(formatText(TSPLIB_WORDS), (text) => refusesCleanly(() => parseTsplib(text), FormatError))),
  target(
    'G-set and OR-Library BQP text',
    fc.property(formatText(['1', '2', '3', '-1']), (text) => refusesCleanly(() => parseGset(text), FormatError) && refusesCleanly(() => parseBqp(text), FormatError)),
  ),
];
