import { FormatRegistry, Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { invalid } from '../core/errors.js';

export { ValueErrorType };

/**
 * The words a client reads when a value fails its schema. Kept under a symbol, as TypeBox keeps its own
 * markers: the schema's JSON (what the API documents publish) never shows it.
 */
export const Explain = Symbol.for('optbridge.explain');

/** The message for a body that has none of an `oneOf` group's fields. */
const Alternatives = Symbol.for('optbridge.alternatives');

export interface Failure {
  /** The field as a client writes it: `distance_matrix[0][1]`, `config`, or `request body` for the whole. */
  name: string;
  value: unknown;
  type: ValueErrorType;
}

export type Explanation = string | ((failure: Failure) => string);

/** Schema options with the message for any failure of this node. */
export function explained<T extends object>(explanation: Explanation, options?: T): T & { [Explain]: Explanation } {
  return { ...(options ?? ({} as T)), [Explain]: explanation };
}

FormatRegistry.Set('date-time', (value) => !Number.isNaN(Date.parse(value)));

/** `/distance_matrix/0/1` → `distance_matrix[0][1]`. */
function fieldName(pointer: string, root: string): string {
  if (pointer === '') return root;
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment, i) => (/^\d+$/.test(segment) ? `[${segment}]` : i === 0 ? segment : `.${segment}`))
    .join('');
}

function message(error: ValueError, root: string): string {
  const failure: Failure = { name: fieldName(error.path, root), value: error.value, type: error.type };
  const explanation = (error.schema as { [Explain]?: Explanation })[Explain];
  if (explanation === undefined) return `${failure.name}: ${error.message.toLowerCase()}`;
  return typeof explanation === 'string' ? explanation : explanation(failure);
}

/**
 * An object schema's `anyOf` of `required` lists (one of `distance_matrix` or `coordinates`), which the compiled
 * check leaves alone: checked here, before the fields, so a body that names neither hears that first.
 */
function missingAlternative(schema: TSchema, value: unknown): string | undefined {
  const alternatives = (schema as { anyOf?: { required: string[] }[] }).anyOf;
  if (!alternatives || typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (alternatives.some((option) => option.required.every((key) => record[key] !== undefined))) return undefined;
  return (schema as { [Alternatives]?: string })[Alternatives];
}

export interface Validator<T extends TSchema> {
  readonly schema: T;
  /** The value as its schema's type, or a BridgeError naming the first field that fails. */
  parse(value: unknown): Static<T>;
}

/** Compiles `schema` once (JIT checks run at hand-written speed on a 4-million-entry matrix). */
export function validator<T extends TSchema>(schema: T, root = 'request body'): Validator<T> {
  const check: TypeCheck<T> = TypeCompiler.Compile(schema);
  return {
    schema,
    parse(value) {
      const missing = missingAlternative(schema, value);
      if (missing !== undefined) throw invalid(missing);
      if (check.Check(value)) return value;
      throw invalid(message(check.Errors(value).First()!, root));
    },
  };
}

/** One of `fields` must be present: documented as `anyOf` and checked by `validator`. */
export function oneOf(fields: readonly string[], explanation: string): { anyOf: { required: string[] }[]; [Alternatives]: string } {
  return { anyOf: fields.map((field) => ({ required: [field] })), [Alternatives]: explanation };
}

const DIGITS = /^\d+$/;
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** Whether `text` may become a number for a field of this schema; a union may take a number in any branch. */
function numeric(schema: TSchema, text: string): boolean {
  if (schema.type === 'integer') return DIGITS.test(text);
  if (schema.type === 'number') return DECIMAL.test(text);
  return Array.isArray(schema.anyOf) && (schema.anyOf as TSchema[]).some((branch) => numeric(branch, text));
}

/**
 * A query string as its schema's object: integer fields from plain decimal digits only (`0x10` and `1e3` stay
 * text and fail as not integers), numbers from decimal notation, empty values as absent, other fields as sent.
 */
export function queryObject(schema: TObject, query: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties)) {
    const text = query.get(name);
    if (text === null || text === '') continue;
    out[name] = numeric(property as TSchema, text) ? Number(text) : text;
  }
  return out;
}

/** The bridge's own field of every submission body (else the `X-Bridge-Provider` header): which provider runs it. */
export const PROVIDER = Type.Optional(Type.String(explained('provider must be a string', { description: 'The provider to run the job (the X-Bridge-Provider header otherwise).' })));

/** A body that must be a JSON object and may carry fields the vendor's provider reads as they are. */
export function jsonObject<P extends Record<string, TSchema>, O extends { title: string; description?: string }>(properties: P, options: O) {
  return Type.Object(properties, explained('request body must be a JSON object', options));
}
