import { readFile, writeFile } from 'node:fs/promises';
import { createBundle } from '../../bundle/create-bundle.ts';
import { generateKeys, parsePrivateKey, parsePublicKey } from '../../bundle/keys.ts';
import { verifyBundle } from '../../bundle/verify-bundle.ts';
import { BuildError, KeyFileError } from '../../errors.ts';
import { parseBundleHeader } from '../../../../contract/index.ts';

/** `imago keygen NAME`: writes NAME.key (private, 0600) and NAME.pub; refuses to overwrite. */
export async function keygenCommand(name: string): Promise<void> {
  const keys = generateKeys();
  try {
    await writeFile(`${name}.key`, keys.privatePem, { mode: 0o600, flag: 'wx' });
    await writeFile(`${name}.pub`, keys.publicLine, { flag: 'wx' });
  } catch (error) {
    throw new BuildError(`failed to write ${name}.key and ${name}.pub: ${(error as Error).message} (keys are never overwritten)`, { cause: error });
  }
  process.stdout.write(`${name}.key: private key (keep it secret)\n${name}.pub: public key ${keys.id} (list it in the spec's update.keys)\n`);
}

/** `imago bundle IMAGE_DIR --key K -o FILE`: a signed update bundle of a build output. */
export async function bundleCommand(imageDir: string, flags: { key: string; out: string }): Promise<void> {
  const key = parsePrivateKey(await readText(flags.key), flags.key);
  const { bytes, manifest } = await createBundle(imageDir, key).catch((error: Error) => {
    throw new BuildError(error.message, { cause: error });
  });
  await writeFile(flags.out, bytes);
  process.stdout.write(`${flags.out}: ${manifest.name} ${manifest.version} for ${manifest.arch} (compatible ${manifest.compatible}), ${(bytes.length / 1e6).toFixed(2)} MB, signed by ${key.asymmetricKeyType} key\n`);
}

/** `imago verify BUNDLE --key PUB...`: checks signature, completeness and hashes. */
export async function verifyCommand(bundle: string, flags: { key: string[]; arch?: string; running?: string; compatible?: string }): Promise<void> {
  const trusted = await Promise.all(flags.key.map(async (file) => parsePublicKey(await readText(file), file)));
  const bytes = await readFile(bundle).catch((error: Error) => {
    throw new BuildError(`failed to read ${bundle}: ${error.message}`, { cause: error });
  });
  try {
    const header = parseBundleHeader(bytes).manifest;
    const device = flags.arch || flags.running || flags.compatible ? { arch: flags.arch ?? header.arch, version: flags.running ?? '0', compatible: flags.compatible } : undefined;
    const manifest = verifyBundle(bytes, trusted, device);
    process.stdout.write(`${bundle}: good: ${manifest.name} ${manifest.version} for ${manifest.arch} (compatible ${manifest.compatible}), ${manifest.files.map((f) => `${f.name} ${f.size}`).join(', ')}\n`);
  } catch (error) {
    throw new BuildError(`${bundle}: refused: ${(error as Error).message}`);
  }
}

/** A key file's text; KeyFileError when it cannot be read. */
async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new KeyFileError(`failed to read ${file}: ${(error as Error).message}`, { cause: error });
  }
}
