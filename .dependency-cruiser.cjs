/**
 * The layering of ../shared/DESIGN.md as rules a machine checks (`npm run lint:layers`, part of `npm test`).
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'core-is-self-contained',
      comment: 'src/core holds the canonical types and pure helpers: it imports nothing else of the project.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^(src|adapters|migrations|config|test)/', pathNot: '^src/core/' },
    },
    {
      name: 'dialects-never-import-each-other',
      comment: 'What two dialects share moves into one helper in src/, never into another dialect.',
      severity: 'error',
      from: { path: '^adapters/([^/]+)/' },
      to: { path: '^adapters/[^/]+/', pathNot: '^adapters/$1/' },
    },
    {
      name: 'only-the-composition-root-knows-adapters',
      comment: 'src/bridge.ts wires the adapters in; nothing else under src/ may depend on one.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/bridge[.]ts$' },
      to: { path: '^adapters/' },
    },
    {
      name: 'ingest-and-store-never-import-server',
      comment: 'Events flow provider → ingest → store → hub → server; the lower layers never reach up.',
      severity: 'error',
      from: { path: '^src/(ingest|store)/' },
      to: { path: '^src/server/' },
    },
    {
      name: 'the-dashboard-talks-through-the-sdk',
      comment: 'The dashboard is a browser bundle built on the client SDK, as any other client of the bridge would be.',
      severity: 'error',
      from: { path: '^src/dashboard/' },
      to: { path: '^src/', pathNot: '^src/(dashboard|client)/' },
    },
    {
      name: 'no-cycles',
      comment: 'Type-only cycles count too: they make the parts impossible to read one at a time.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
