/**
 * Rows of the foundation matrix (`make test-matrix`): what the foundation
 * scenario measured on one architecture. Each test writes its row as JSON into
 * `out/qemu-tests/matrix/` (matrix-rows.ts); `matrix-table.ts` prints them.
 */
import { join } from 'node:path';
import { defaultCompression } from '../builder/src/archive/compress.ts';
import { type ArchRow, markdownTable } from './matrix-rows.ts';

export const matrixDir = join('out', 'qemu-tests', 'matrix');

export interface MatrixRow extends ArchRow {
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
}

/** Renders rows as a Markdown table. */
export function renderMatrix(rows: readonly MatrixRow[]): string {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
  const header = ['arch', 'kernel', 'kernel size', `initrd (${defaultCompression})`, 'init (static)', 'boot to ready', 'init RSS', 'result'];
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
  return markdownTable(header, lines);
}
