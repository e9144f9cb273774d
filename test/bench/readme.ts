import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';

const README = new URL('./README.md', import.meta.url);

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`, so each bench keeps its own section current. */
export async function replaceSection(name: string, body: string): Promise<void> {
  const text = await readFile(README, 'utf8');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`test/bench/README.md has no ${name} section`);
  await writeFile(README, `${text.slice(0, from + start.length)}\n${body.trim()}\n${text.slice(to)}`);
}

/** The lines above each table: what machine, which Node, how loaded it was when the bench began. */
export function machineDescription(loadAtStart: number): string {
  return [
    `- CPU: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Postgres on the same machine`,
    `- Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
    `- 1-minute load average at start: ${loadAtStart.toFixed(1)}`,
  ].join('\n');
}

export function markdownTable(rows: string[][]): string {
  return [
    '| bench | variant | items | result | vs baseline |',
    '|---|---|---:|---:|---:|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}
