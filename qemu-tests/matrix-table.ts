/**
 * Prints the architecture matrix written by the foundation scenario
 * (`make test-matrix`), and exits non-zero when an architecture is missing or failed.
 *
 *   node --import tsx qemu-tests/matrix-table.ts [arch...]
 */
import { targetNames } from '../targets/index.ts';
import { readMatrixRows, renderMatrix } from './matrix-row.ts';

const wanted = process.argv.length > 2 ? process.argv.slice(2) : targetNames;
const rows = (await readMatrixRows(targetNames)).filter((row) => wanted.includes(row.arch));
process.stdout.write(renderMatrix(rows));
const missing = wanted.filter((arch) => !rows.some((row) => row.arch === arch));
if (missing.length > 0) process.stderr.write(`no result for ${missing.join(', ')}\n`);
if (missing.length > 0 || rows.some((row) => !row.passed)) process.exitCode = 1;
