/** A JSON Schema as HTML a person reads: each field with its type, whether it is required, and its description. */

type Json = Record<string, unknown>;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `integer 1..1000`, `"gpu" | "cpu"`, `array of number`. */
export function typeLabel(schema: Json): string {
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Json[]).map(typeLabel).join(' | ');
  const type = typeof schema.type === 'string' ? schema.type : 'any';
  if (type === 'array') return `array of ${isObject(schema.items) ? typeLabel(schema.items) : 'any'}${bounds(schema, 'minItems', 'maxItems', ' entries')}`;
  if (type === 'object' && isObject(schema.patternProperties)) {
    const values = Object.values(schema.patternProperties)[0];
    return `map of ${isObject(values) ? typeLabel(values) : 'any'}`;
  }
  const format = typeof schema.format === 'string' ? ` (${schema.format})` : '';
  const pattern = typeof schema.pattern === 'string' ? ` matching ${schema.pattern}` : '';
  return `${type}${format}${bounds(schema, 'minimum', 'maximum', '')}${bounds(schema, 'minLength', 'maxLength', ' chars')}${pattern}`;
}

function bounds(schema: Json, low: string, high: string, unit: string): string {
  const min = schema[low] ?? (low === 'minimum' ? schema.exclusiveMinimum : undefined);
  const max = schema[high];
  if (min === undefined && max === undefined) return '';
  const left = min === undefined ? '' : `${schema.exclusiveMinimum !== undefined && low === 'minimum' ? '>' : ''}${String(min)}`;
  return ` ${left}..${max === undefined ? '' : String(max)}${unit}`;
}

/** The object a schema describes the fields of, looking through arrays and alternatives. */
function fieldsOf(schema: Json): Json | undefined {
  if (isObject(schema.properties)) return schema;
  if (isObject(schema.items)) return fieldsOf(schema.items);
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Json[]).map(fieldsOf).find((found) => found !== undefined);
  return undefined;
}

/** Nested lists of fields; `depth` stops a pathological schema from rendering forever. */
export function schemaHtml(schema: Json, depth = 0): string {
  const object = fieldsOf(schema);
  if (!object || depth > 6) return '';
  const required = new Set(Array.isArray(object.required) ? (object.required as string[]) : []);
  const items = Object.entries(object.properties as Record<string, Json>).map(([name, field]) => {
    const description = typeof field.description === 'string' ? ` — ${escapeHtml(field.description)}` : '';
    const flag = required.has(name) ? ' <em>required</em>' : '';
    return `<li><code>${escapeHtml(name)}</code> <span class="type">${escapeHtml(typeLabel(field))}</span>${flag}${description}${schemaHtml(field, depth + 1)}</li>`;
  });
  const alternatives = Array.isArray(object.anyOf)
    ? `<li>one of: ${(object.anyOf as Json[]).map((option) => escapeHtml(((option.required as string[] | undefined) ?? []).join(', '))).join(' or ')}</li>`
    : '';
  return `<ul class="fields">${items.join('')}${alternatives}</ul>`;
}
