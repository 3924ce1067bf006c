/**
 * base-passwd's master files from the real .deb (downloaded into the cache):
 * the copy validate and mips/mips64 use must give the same accounts as the
 * master files an x86_64 image is built from.
 */
import test from 'ava';
import { baseAccounts, builtinMasterFiles } from '../plan/base-accounts.ts';
import { silentProgress } from '../progress.ts';
import { fetchBaseMasterFiles } from './base-passwd.ts';

for (const arch of ['amd64']) {
  test(`base-passwd's master files for ${arch} give the accounts of the built-in copy`, async (t) => {
    const { master, deb } = await fetchBaseMasterFiles(arch, silentProgress);
    t.is(deb.name, 'base-passwd');
    t.deepEqual(baseAccounts(master), baseAccounts(builtinMasterFiles));
  });
}
