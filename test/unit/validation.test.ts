import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { BridgeError } from '../../src/core/errors.js';
import { recordingApp, registryOf } from '../../src/server/route-registry.js';
import { loadNativeUws } from '../../src/server/uws.js';
import { explained, oneOf, queryObject, validator } from '../../src/server/validation.js';

const schema = Type.Object(
  {
    rows: Type.Optional(Type.Array(Type.Array(Type.Number(explained((f) => `${f.name} must be a number`))))),
    name: Type.Optional(Type.String()),
    nested: Type.Optional(Type.Object({ 'a/b': Type.Integer(explained((f) => `${f.name} must be an integer, got ${JSON.stringify(f.value)}`)) })),
  },
  { ...explained('request body must be a JSON object'), ...oneOf(['rows', 'name'], 'one of rows or name is required') },
);
const parse = validator(schema).parse;

function refusal(value: unknown): string {
  try {
    parse(value);
  } catch (error) {
    assert.ok(error instanceof BridgeError);
    assert.equal(error.code, 'invalid_request');
    return error.message;
  }
  assert.fail(`${JSON.stringify(value)} was accepted`);
}

test('a failure names the field as a client writes it, in the words its schema gives', () => {
  assert.equal(refusal([1]), 'request body must be a JSON object');
  assert.equal(refusal({ rows: [[1, 2], [3, 'x']] }), 'rows[1][1] must be a number');
  assert.equal(refusal({ name: 'n', nested: { 'a/b': 1.5 } }), 'nested.a/b must be an integer, got 1.5');
  // No words given: the field and TypeBox's own.
  assert.equal(refusal({ name: 7 }), 'name: expected string');
});

test("an anyOf of required fields is checked, before the fields, and what passes comes back as it was", () => {
  assert.equal(refusal({}), 'one of rows or name is required');
  assert.equal(refusal({ nested: { 'a/b': 'x' } }), 'one of rows or name is required');
  const body = { name: 'n', extra: true };
  assert.equal(parse(body), body);
});

test('a query becomes its schema\'s object: integers from plain digits only, numbers from decimals, empty values absent', () => {
  const query = Type.Object({ after: Type.Integer(), speed: Type.Union([Type.Literal(0), Type.Number()]), format: Type.String() });
  assert.deepEqual(queryObject(query, new URLSearchParams('after=12&speed=0.5&format=csv&token=k')), { after: 12, speed: 0.5, format: 'csv' });
  assert.deepEqual(queryObject(query, new URLSearchParams('after=0x10&speed=fast&format=')), { after: '0x10', speed: 'fast' });
  assert.deepEqual(queryObject(query, new URLSearchParams('after=1e3')), { after: '1e3' });
});

test('the recording app records what is mounted on it, through route() or straight on uWS', () => {
  const app = recordingApp(loadNativeUws().App());
  app.get('/a/:id', () => {});
  app.ws('/socket/:id', {});
  app.any('/*', () => {});
  registryOf(app).describe('post', '/a/:id', { docs: { summary: 'post it', access: 'write', responses: {} } });
  assert.deepEqual(
    registryOf(app).routes.map((r) => `${r.kind} ${r.pattern} ${r.docs?.summary ?? ''}`.trim()),
    ['get /a/:id', 'ws /socket/:id', 'any /*', 'post /a/:id post it'],
  );
  assert.deepEqual(registryOf(app).allowedMethods('/a/x'), ['GET', 'POST']);
  assert.deepEqual(registryOf(app).allowedMethods('/socket/x'), []);
  (app as unknown as { close(): void }).close();
});
