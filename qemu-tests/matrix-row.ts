/**
 * One row of the architecture matrix (`make test-matrix`): what the foundation
 * scenario measured on one architecture. Each test writes its row as JSON into
 * `out/qemu-tests/matrix/`; `matrix-table.ts` prints them.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const matrixDir = join('out', 'qemu-tests', 'matrix');

export interface MatrixRow {
  arch: string;
  /** Kernel package, or `linux-source-6.1 (built)`, with its release. */
  kernel: string;
  kernelBytes: number;
  initrdBytes: number;
  initBytes: number;
  /** `file`'s description of the init. */
  initFile: string;
  /** QEMU start to `init: ready`, seconds. */
  readySeconds?: number;
  initRssKb?: number;
  passed: boolean;
}

/** Writes `row` to `<matrixDir>/<arch>.json`. */
export async function writeMatrixRow(row: MatrixRow): Promise<void> {
  await mkdir(matrixDir, { recursive: true });
  await writeFile(join(matrixDir, `${row.arch}.json`), `${JSON.stringify(row, null, 2)}\n`);
}

/** Reads every row written so far, in the given architecture order (missing ones skipped). */
export async function readMatrixRows(order: readonly string[]): Promise<MatrixRow[]> {
  const files = await readdir(matrixDir).catch(() => [] as string[]);
  const rows = await Promise.all(files.filter((f) => f.endsWith('.json')).map(async (f) => JSON.parse(await readFile(join(matrixDir, f), 'utf8')) as MatrixRow));
  return rows.sort((a, b) => order.indexOf(a.arch) - order.indexOf(b.arch));
}

/** Renders rows as a Markdown table. */
export function renderMatrix(rows: readonly MatrixRow[]): string {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
  const header = ['arch', 'kernel', 'kernel size', 'initrd (gzip)', 'init (static)', 'boot to ready', 'init RSS', 'result'];
  const lines = rows.map((row) => [
    row.arch,
    row.kernel,
    mb(row.kernelBytes),
    mb(row.initrdBytes),
    mb(row.initBytes),
    row.readySeconds === undefined ? '-' : `${row.readySeconds.toFixed(1)} s`,
    row.initRssKb === undefined ? '-' : `${(row.initRssKb / 1024).toFixed(2)} MiB`,
    row.passed ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [render(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(render)].join('\n') + '\n';
}
