/**
 * Prints the containers matrix written by qemu-tests/edge.test.ts (`make
 * test-matrix`); exits non-zero when an architecture is missing or failed.
 *
 *   node --import tsx qemu-tests/containers-table.ts [arch...]
 */
import { targets } from '../targets/index.ts';
import { readContainersRows, renderContainersMatrix } from './containers-matrix.ts';

const debianArches = Object.values(targets).filter((target) => target.debianArch).map((target) => target.name);
const wanted = process.argv.length > 2 ? process.argv.slice(2) : debianArches;
const rows = await readContainersRows(wanted);
process.stdout.write(renderContainersMatrix(rows));
const missing = wanted.filter((arch) => !rows.some((row) => row.arch === arch));
if (missing.length > 0) process.stderr.write(`no result for ${missing.join(', ')}\n`);
if (missing.length > 0 || rows.some((row) => !row.passed)) process.exitCode = 1;
