/**
 * One process of the cross-process SQLite claim test (fleet/src/store/store.test.ts):
 * opens the fleet database given and claims activations on a batch as fast as
 * it can, printing how many were granted. Usage: sqlite-claim-worker.ts DB BATCH HASH TRIES
 */
import { openSqliteStore } from '../src/store/sqlite-store.ts';

const [file, batch, hash, tries] = process.argv.slice(2);
const store = await openSqliteStore(file!);
let granted = 0;
let refused = 0;
for (let i = 0; i < Number(tries); i++) {
  const result = await store.claimActivation(batch!, hash!, undefined, Date.now());
  if (result.ok) granted++;
  else if (result.reason === 'used-up') refused++;
  else throw new Error(`unexpected refusal: ${result.reason}`);
}
await store.close();
process.stdout.write(`${JSON.stringify({ granted, refused })}\n`);
