import test from 'ava';
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBundle } from './create-bundle.ts';
import { generateKeys, parsePublicKey } from './keys.ts';
import { verifyBundle } from './verify-bundle.ts';

async function imageDir(arch = 'x86_64', version = '2', compatible?: string) {
  const dir = await mkdtemp(join(tmpdir(), 'imago-bundle-'));
  await writeFile(join(dir, 'kernel'), Buffer.alloc(5000, 1));
  await writeFile(join(dir, 'initrd.img'), Buffer.alloc(7000, 2));
  await writeFile(join(dir, 'cmdline'), 'console=ttyS0\n');
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ name: 'demo', arch, version, ...(compatible ? { compatible } : {}) }));
  return dir;
}

const keys = generateKeys();
const trusted = [parsePublicKey(keys.publicLine, 'test.pub')];
const privateKey = createPrivateKey(keys.privatePem);

test('a bundle verifies, and its manifest names arch, version and hashes', async (t) => {
  const { bytes, manifest } = await createBundle(await imageDir(), privateKey);
  t.deepEqual(verifyBundle(bytes, trusted, { arch: 'x86_64', version: '1' }), manifest);
  t.is(manifest.arch, 'x86_64');
  t.is(manifest.version, '2');
  t.deepEqual(manifest.files.map((f) => [f.name, f.size]), [['kernel', 5000], ['initrd.img', 7000], ['cmdline', 14], ['manifest.json', 45]]);
});

const refusals: [string, (b: Buffer) => Uint8Array, RegExp, { arch: string; version: string; compatible?: string }?][] = [
  ['a changed payload byte', (b) => { const c = Buffer.from(b); c[c.length - 100]! ^= 1; return c; }, /initrd.img|manifest.json does not match its sha256/],
  ['a changed manifest', (b) => Buffer.from(b.toString('latin1').replace('"version": "2"', '"version": "9"'), 'latin1'), /signature does not match/],
  ['a truncated file', (b) => b.subarray(0, b.length - 10), /truncated: .* its manifest says/],
  ['a file cut inside the header', (b) => b.subarray(0, 40), /truncated: it ends inside its header/],
  ['not a bundle', () => Buffer.from('hello world, this is not a bundle'), /not an imago bundle/],
  ['another architecture', (b) => b, /for x86_64, this device is aarch64/, { arch: 'aarch64', version: '1' }],
  ['an older version', (b) => b, /version 2 is not newer than the running version 3/, { arch: 'x86_64', version: '3' }],
  ['another compatible name', (b) => b, /for images compatible with "demo-x86_64", this image is "acme-gateway"/, { arch: 'x86_64', version: '1', compatible: 'acme-gateway' }],
];

for (const [name, change, message, device] of refusals) {
  test(`refuses ${name}`, async (t) => {
    const { bytes } = await createBundle(await imageDir(), privateKey);
    t.throws(() => verifyBundle(change(bytes), trusted, device), { message });
  });
}

test('refuses a bundle signed by an untrusted key', async (t) => {
  const other = generateKeys();
  const { bytes } = await createBundle(await imageDir(), createPrivateKey(other.privatePem));
  t.throws(() => verifyBundle(bytes, trusted), { message: new RegExp(`signed by key ${other.id}, which this image does not trust \\(trusted: ${keys.id}\\)`) });
});

test('bundles are reproducible for the same inputs and key', async (t) => {
  const dir = await imageDir();
  t.deepEqual((await createBundle(dir, privateKey)).bytes, (await createBundle(dir, privateKey)).bytes);
});

test('a bundle carries the compatible name the build wrote, or else the image name and architecture', async (t) => {
  t.is((await createBundle(await imageDir('x86_64', '2', 'acme-gateway'), privateKey)).manifest.compatible, 'acme-gateway');
  t.is((await createBundle(await imageDir('aarch64'), privateKey)).manifest.compatible, 'demo-aarch64');
  const { bytes } = await createBundle(await imageDir('x86_64', '2', 'acme-gateway'), privateKey);
  t.is(verifyBundle(bytes, trusted, { arch: 'x86_64', version: '1', compatible: 'acme-gateway' }).compatible, 'acme-gateway');
});
