/** A real signed update bundle, made by `imago bundle`'s own code, for fleet update tests. */
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBundle } from '../../builder/src/bundle/create-bundle.ts';
import { generateKeys } from '../../builder/src/bundle/keys.ts';

export async function signedBundle(version: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'imago-fleet-bundle-'));
  await writeFile(join(dir, 'kernel'), Buffer.alloc(5000, 1));
  await writeFile(join(dir, 'initrd.img'), Buffer.alloc(7000, 2));
  await writeFile(join(dir, 'cmdline'), 'console=ttyS0\n');
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ name: 'edge', arch: 'x86_64', version }));
  const { bytes } = await createBundle(dir, createPrivateKey(generateKeys().privatePem));
  await rm(dir, { recursive: true });
  return bytes;
}
