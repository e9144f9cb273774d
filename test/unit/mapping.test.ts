import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from '../../adapters/index.js';
import { eventWith, getPath, readMappingTable, sampleFor } from '../helpers/mapping-table.js';

for (const dialect of DIALECTS) {
  describe(`${dialect.name} mapping table`, () => {
    const rows = readMappingTable(dialect.name);

    test('the table exists and covers the documented messages', () => {
      assert.ok(rows.length >= 10, `adapters/${dialect.name}/MAPPING.md has ${rows.length} rows`);
    });

    for (const row of rows) {
      test(`${row.canonical} of a ${row.eventType} event → ${row.messageType}.${row.messageField}`, () => {
        const encoded = dialect.encode(eventWith(row.canonical, row.eventType));
        assert.notEqual(encoded, null, `${row.eventType} events are not sent in ${dialect.name}`);
        const messages: unknown[] = [JSON.parse(encoded!)].flat();
        const message = messages.find((m) => typeof m === 'object' && m !== null && (m as { type?: string }).type === row.messageType);
        assert.ok(message, `no ${row.messageType} message in ${encoded}`);
        assert.deepEqual(getPath(message, row.messageField), sampleFor(row.canonical, row.eventType));
      });
    }
  });
}
