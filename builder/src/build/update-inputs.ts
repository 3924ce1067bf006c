/** Reads what a spec's `update:` section points at: the trusted public key files. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { parsePublicKey } from '../bundle/keys.ts';
import { BuildError } from '../errors.ts';
import { diskBootloader } from '../formats/raw/raw-boot.ts';
import type { UpdateInputs } from '../plan/update-config.ts';
import type { LoadedSpec } from '../spec/load.ts';
import type { Spec } from '../spec/schema.ts';

/**
 * The update inputs, or undefined without `update:`. loadSpec has already
 * checked the key files (spec/referenced-files.ts) and located any problem in
 * the spec; this reads them for the image, and throws BuildError naming a
 * file that changed in between.
 */
export async function updateInputs(loaded: LoadedSpec & { spec: Spec }, target: Target): Promise<UpdateInputs | undefined> {
  const update = loaded.spec.update;
  if (!update) return undefined;
  const keys = [];
  for (const file of update.keys) {
    const path = resolve(loaded.dir, file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new BuildError(`update.keys: failed to read ${file}: make one with imago keygen`, { cause: error });
    }
    try {
      keys.push(parsePublicKey(text, file));
    } catch (error) {
      throw new BuildError(`update.keys: ${(error as Error).message}`);
    }
  }
  return { arch: target.name, keys, bootloader: diskBootloader(target) };
}
