import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Colours and progress bars only for a person at a terminal: not in pipes, files or CI, and never with NO_COLOR. */
export function decorates(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '');
}

export function paint(stream: NodeJS.WriteStream, style: Style, text: string): string {
  return decorates(stream) ? styleText(style, text) : text;
}

/** Data goes to stdout, one write per line, so a pipe reader sees whole lines. */
export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Progress and notes go to stderr, keeping stdout clean for data. */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Waits for stdout to take what was written: a reader that stops early (`| head`) ends the process quietly. */
export function drained(): Promise<void> {
  return new Promise((resolve) => process.stdout.write('', () => resolve()));
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Plain columns padded to the widest cell; the last column is left ragged. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}
