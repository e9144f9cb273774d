import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config/paths.js';

export interface ExampleRun {
  code: number;
  /** Non-empty stdout lines. */
  lines: string[];
  stderr: string;
}

/**
 * Runs a vendor doc's client snippet from `test/examples/` (Python with Debian's /usr/bin/python3, JavaScript
 * with this node) after replacing literals: its URL, key and job id. A literal the snippet does not contain
 * fails the run, so a test can change only what it names.
 */
export function runExample(path: string, replacements: Record<string, string>): Promise<ExampleRun> {
  let source = readFileSync(join(PROJECT_ROOT, 'test', 'examples', path), 'utf8');
  for (const [from, to] of Object.entries(replacements)) {
    if (!source.includes(from)) throw new Error(`${path} does not contain ${JSON.stringify(from)}`);
    source = source.split(from).join(to);
  }
  const [command, args] = path.endsWith('.py')
    ? ['/usr/bin/python3', ['-c', source]]
    : [process.execPath, ['--input-type=module', '-e', source]];
  return new Promise((resolve) => {
    // From the project root the JavaScript snippets resolve `ws`; the kill timeout only keeps a hung client
    // from hanging the suite.
    execFile(command, args, { cwd: PROJECT_ROOT, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, lines: stdout.split('\n').filter((line) => line !== ''), stderr });
    });
  });
}
