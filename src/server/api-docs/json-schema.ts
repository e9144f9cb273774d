import type { TSchema } from '@sinclair/typebox';

/**
 * A TypeBox schema as the documents publish it: TypeBox schemas are JSON Schema already, so this only drops
 * what JSON cannot carry (TypeBox's symbol markers, the validators' messages).
 */
export function jsonSchema(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

/** `/v1/jobs/:id` → `/v1/jobs/{id}`, and the parameter names in order. */
export function templatePath(pattern: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path, params };
}

/** uWS patterns that match many paths: the fallback handlers, which no path item can describe. */
export const isWildcard = (pattern: string): boolean => pattern.includes('*');
