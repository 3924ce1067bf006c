/**
 * Prints the containers matrix (all eight architectures) written by qemu-tests/edge.test.ts (`make
 * test-matrix`); exits non-zero when an architecture is missing or failed.
 *
 *   node --import tsx qemu-tests/containers-table.ts [arch...]
 */
import { targetNames } from '../targets/index.ts';
import { type ContainersRow, containersMatrixDir, renderContainersMatrix } from './containers-matrix.ts';
import { readRows, reportRows } from './matrix-rows.ts';

const wanted = process.argv.length > 2 ? process.argv.slice(2) : [...targetNames];
const rows = await readRows<ContainersRow>(containersMatrixDir, wanted);
reportRows(rows, wanted, renderContainersMatrix(rows));
