import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const CLIENT_DIR = fileURLToPath(new URL('../../src/client/', import.meta.url));
/** Core modules without imports or I/O, shared so the SDK hashes exactly as the ingest does. */
const PURE_CORE = new Set(['../core/canonical.js']);

/** The modules each SDK file loads at run time: its imports once TypeScript has erased the type-only ones. */
function runtimeImports(file: string): { static: string[]; dynamic: string[] } {
  const { outputText } = ts.transpileModule(readFileSync(CLIENT_DIR + file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  });
  return {
    static: [...outputText.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
    dynamic: [...outputText.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
  };
}

test('the SDK loads nothing but its own modules and pure core, so it bundles for a browser; ws only on demand', () => {
  const files = readdirSync(CLIENT_DIR).filter((name) => name.endsWith('.ts'));
  assert.ok(files.includes('index.ts'));
  const dynamic: string[] = [];
  for (const file of files) {
    const imports = runtimeImports(file);
    for (const specifier of imports.static) {
      assert.ok(/^\.\/[\w-]+\.js$/.test(specifier) || PURE_CORE.has(specifier), `${file} imports ${specifier} at run time`);
    }
    dynamic.push(...imports.dynamic.map((specifier) => `${file}: ${specifier}`));
  }
  assert.deepEqual(dynamic, ['socket.ts: ws']);
});

test('the shared core modules the SDK loads import nothing themselves', () => {
  for (const specifier of PURE_CORE) {
    const source = readFileSync(CLIENT_DIR + specifier.replace(/\.js$/, '.ts'), 'utf8');
    assert.doesNotMatch(source, /^\s*import\b/m, specifier);
  }
});
