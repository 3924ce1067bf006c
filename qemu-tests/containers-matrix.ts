/**
 * Rows of the containers matrix (`make test-matrix`): what the edge scenario
 * measured on one architecture, written as JSON into
 * `out/qemu-tests/containers-matrix/` and printed by containers-table.ts.
 */
import { join } from 'node:path';
import { defaultCompression } from '../builder/src/archive/compress.ts';
import { type ArchRow, markdownTable } from './matrix-rows.ts';

export const containersMatrixDir = join('out', 'qemu-tests', 'containers-matrix');

export interface ContainersRow extends ArchRow {
  initrdBytes: number;
  /** Image sizes by container name: a prepared root filesystem's bytes, or a stored OCI archive's. */
  imageBytes: Record<string, number>;
  /** QEMU start to `init: broker healthy`, seconds. */
  healthySeconds?: number;
  /** MemTotal - MemAvailable in the guest once the broker is healthy and the publisher started, KiB. */
  memoryInUseKiB?: number;
  /** Kill of the broker's process to the next message on the host, seconds. */
  recoverySeconds?: number;
}

/** Renders rows as a Markdown table. */
export function renderContainersMatrix(rows: readonly ContainersRow[]): string {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const s = (value?: number) => (value === undefined ? '-' : `${value.toFixed(1)} s`);
  const mib = (kib?: number) => (kib === undefined ? '-' : `${(kib / 1024).toFixed(1)} MiB`);
  const header = ['arch', `initrd (${defaultCompression})`, 'container images', 'boot to broker healthy', 'RAM in use once healthy', 'broker kill to next message', 'result'];
  const lines = rows.map((row) => [
    row.arch,
    mb(row.initrdBytes),
    Object.entries(row.imageBytes).map(([name, bytes]) => `${name} ${mb(bytes)}`).join(', '),
    s(row.healthySeconds),
    mib(row.memoryInUseKiB),
    s(row.recoverySeconds),
    row.passed ? 'pass' : 'FAIL',
  ]);
  return markdownTable(header, lines);
}
