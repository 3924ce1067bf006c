/**
 * Rows of the containers matrix (`make test-matrix`): what the edge scenario
 * measured on one architecture, written as JSON into
 * `out/qemu-tests/containers-matrix/` and printed by containers-table.ts.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const containersMatrixDir = join('out', 'qemu-tests', 'containers-matrix');

export interface ContainersRow {
  arch: string;
  initrdBytes: number;
  /** Stored OCI archive sizes by container name. */
  imageBytes: Record<string, number>;
  /** QEMU start to `init: broker healthy`, seconds. */
  healthySeconds?: number;
  /** Kill of the broker's process to the next message on the host, seconds. */
  recoverySeconds?: number;
  passed: boolean;
}

/** Writes `row` to `<containersMatrixDir>/<arch>.json`. */
export async function writeContainersRow(row: ContainersRow): Promise<void> {
  await mkdir(containersMatrixDir, { recursive: true });
  await writeFile(join(containersMatrixDir, `${row.arch}.json`), `${JSON.stringify(row, null, 2)}\n`);
}

/** Every row written so far, in `order` (others left out). */
export async function readContainersRows(order: readonly string[]): Promise<ContainersRow[]> {
  const files = await readdir(containersMatrixDir).catch(() => [] as string[]);
  const rows = await Promise.all(files.filter((f) => f.endsWith('.json')).map(async (f) => JSON.parse(await readFile(join(containersMatrixDir, f), 'utf8')) as ContainersRow));
  return rows.filter((row) => order.includes(row.arch)).sort((a, b) => order.indexOf(a.arch) - order.indexOf(b.arch));
}

/** Renders rows as a Markdown table. */
export function renderContainersMatrix(rows: readonly ContainersRow[]): string {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const s = (value?: number) => (value === undefined ? '-' : `${value.toFixed(1)} s`);
  const header = ['arch', 'initrd (gzip)', 'OCI images', 'boot to broker healthy', 'broker kill to next message', 'result'];
  const lines = rows.map((row) => [
    row.arch,
    mb(row.initrdBytes),
    Object.entries(row.imageBytes).map(([name, bytes]) => `${name} ${mb(bytes)}`).join(', '),
    s(row.healthySeconds),
    s(row.recoverySeconds),
    row.passed ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [render(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(render)].join('\n') + '\n';
}
