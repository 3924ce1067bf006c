/**
 * Reads the init binary back out of a built image (`initrd.img`, a newc cpio
 * archive, compressed or not), so tests can check what actually boots, e.g. with `file`.
 */
import { readInitrd } from '../builder/src/archive/decompress.ts';

/** Returns the bytes of `/init` in `<imageDir>/initrd.img`; throws when it is missing. */
export async function readInitBinary(imageDir: string): Promise<Uint8Array> {
  const init = (await readInitrd(`${imageDir}/initrd.img`)).find((record) => record.name === 'init' || record.name === './init');
  if (!init) throw new Error(`${imageDir}/initrd.img has no /init`);
  return init.data;
}
