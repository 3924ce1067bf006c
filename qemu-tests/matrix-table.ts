/**
 * Prints the architecture matrix written by the foundation scenario
 * (`make test-matrix`), and exits non-zero when an architecture is missing or failed.
 *
 *   node --import tsx qemu-tests/matrix-table.ts [arch...]
 */
import { targetNames } from '../targets/index.ts';
import { type MatrixRow, matrixDir, renderMatrix } from './foundation-matrix.ts';
import { readRows, reportRows } from './matrix-rows.ts';

const wanted = process.argv.length > 2 ? process.argv.slice(2) : targetNames;
const rows = (await readRows<MatrixRow>(matrixDir, targetNames)).filter((row) => wanted.includes(row.arch));
reportRows(rows, wanted, renderMatrix(rows));
