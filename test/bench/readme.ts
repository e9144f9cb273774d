import { readFile, writeFile } from 'node:fs/promises';

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
