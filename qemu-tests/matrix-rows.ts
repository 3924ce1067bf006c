/**
 * The tables of `make test-matrix`: each scenario test writes what it measured
 * on one architecture as `<dir>/<arch>.json`, and a table script prints the
 * rows as Markdown, failing when an architecture is missing or failed.
 * Also the Markdown table the benchmarks print.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What every matrix row has. */
export interface ArchRow {
  arch: string;
  passed: boolean;
}

/** Writes `row` to `<dir>/<arch>.json`. */
export async function writeRow(dir: string, row: ArchRow): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${row.arch}.json`), `${JSON.stringify(row, null, 2)}\n`);
}

/** The rows written to `dir` so far for the architectures in `order`, in that order. */
export async function readRows<Row extends ArchRow>(dir: string, order: readonly string[]): Promise<Row[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  const rows = await Promise.all(files.filter((f) => f.endsWith('.json')).map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as Row));
  return rows.filter((row) => order.includes(row.arch)).sort((a, b) => order.indexOf(a.arch) - order.indexOf(b.arch));
}

/** A Markdown table with columns padded to their widest cell. */
export function markdownTable(header: readonly string[], lines: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [render(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(render)].join('\n') + '\n';
}

/** Prints `table`, names the architectures of `wanted` without a row, and sets a failing exit code for those or a failed row. */
export function reportRows(rows: readonly ArchRow[], wanted: readonly string[], table: string): void {
  process.stdout.write(table);
  const missing = wanted.filter((arch) => !rows.some((row) => row.arch === arch));
  if (missing.length > 0) process.stderr.write(`no result for ${missing.join(', ')}\n`);
  if (missing.length > 0 || rows.some((row) => !row.passed)) process.exitCode = 1;
}
