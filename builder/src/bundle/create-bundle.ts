/**
 * Makes an update bundle from a build output folder (`out/<arch>/`): a manifest
 * with the image's name, architecture, compatible name, version and every slot file's size and
 * sha256, an Ed25519 signature over the manifest, then the files themselves.
 * Layout in contract/bundle-format.ts.
 *
 * ```ts
 * const bytes = await createBundle('out/x86_64', privateKey);
 * ```
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleMagic, type BundleManifest, type BundleSignature, defaultCompatible, slotFiles } from '../../../contract/index.ts';
import { publicOf } from './keys.ts';
import { BuildError } from '../errors.ts';
import { slotKernel } from '../formats/raw/slot-kernel.ts';
import { targets } from '../../../targets/index.ts';

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

/** The bundle's bytes from the four files of `imageDir`, signed with `privateKey`. Throws naming a missing file. */
export async function createBundle(imageDir: string, privateKey: KeyObject): Promise<{ bytes: Buffer; manifest: BundleManifest }> {
  const files = await Promise.all(
    slotFiles.map(async (name) => {
      try {
        return { name, data: await readFile(join(imageDir, name)) };
      } catch (error) {
        throw new BuildError(`failed to read ${join(imageDir, name)}: build the image first (imago build)`, { cause: error });
      }
    }),
  );
  const image = JSON.parse(files.find((f) => f.name === 'manifest.json')!.data.toString('utf8')) as { name: string; arch: string; compatible?: string; version?: string };
  // The slot gets the kernel as the raw disk's slot A has it (a uImage on MIPS Malta).
  const target = targets[image.arch];
  const kernel = files.find((f) => f.name === 'kernel')!;
  if (target) kernel.data = Buffer.from(slotKernel(target, kernel.data, join(imageDir, 'kernel')));
  const manifest: BundleManifest = {
    format: 1,
    name: image.name,
    arch: image.arch,
    // The build writes it for images with `update:`; an output built without it gets the device's default.
    compatible: image.compatible ?? defaultCompatible(image.name, image.arch),
    version: image.version ?? '0',
    files: files.map(({ name, data }) => ({ name, size: data.length, sha256: createHash('sha256').update(data).digest('hex') })),
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const signature: BundleSignature = { algorithm: 'ed25519', key: publicOf(privateKey).id, signature: sign(null, manifestBytes, privateKey).toString('hex') };
  const signatureBytes = Buffer.from(`${JSON.stringify(signature)}\n`);
  const bytes = Buffer.concat([Buffer.from(bundleMagic), u32(manifestBytes.length), manifestBytes, u32(signatureBytes.length), signatureBytes, ...files.map((f) => f.data)]);
  return { bytes, manifest };
}
