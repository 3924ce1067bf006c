/**
 * Reads the init binary back out of a built image (`initrd.img`, gzip'd newc
 * cpio), so tests can check what actually boots, e.g. with `file`.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { readCpio } from '../builder/src/archive/cpio-read.ts';

/** Returns the bytes of `/init` in `<imageDir>/initrd.img`; throws when it is missing. */
export async function readInitBinary(imageDir: string): Promise<Uint8Array> {
  const archive = gunzipSync(await readFile(`${imageDir}/initrd.img`));
  const init = readCpio(archive).find((record) => record.name === 'init' || record.name === './init');
  if (!init) throw new Error(`${imageDir}/initrd.img has no /init`);
  return init.data;
}
