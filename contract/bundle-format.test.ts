import test from 'ava';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { BundleError, bundleMagic, checkBundle, type CheckContext, defaultCompatible, parseBundleHeader, slotFiles } from './bundle-format.ts';

const hash = 'ab'.repeat(32);
const goodFiles = () => slotFiles.map((name, index) => ({ name, size: 100 * (index + 1), sha256: hash }));
const goodManifest = () => ({ format: 1, name: 'demo', arch: 'x86_64', compatible: 'demo-x86_64', version: '2', files: goodFiles() });
const goodSignature = () => ({ algorithm: 'ed25519', key: '0123456789abcdef', signature: 'cd'.repeat(64) });

/** A bundle header around whatever the manifest and signature are (any JSON), with no payload. */
function header(manifest: unknown, signature: unknown = goodSignature()): Uint8Array {
  const part = (value: unknown) => {
    const bytes = new TextEncoder().encode(JSON.stringify(value));
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, bytes.length);
    return [...length, ...bytes];
  };
  return new Uint8Array([...new TextEncoder().encode(bundleMagic), ...part(manifest), ...part(signature)]);
}

const withFiles = (change: (files: Record<string, unknown>[]) => unknown) => ({ ...goodManifest(), files: change(goodFiles()) });
const withFile = (index: number, change: Record<string, unknown>) => withFiles((files) => files.map((file, i) => (i === index ? { ...file, ...change } : file)));
const without = (object: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));

test('a well-formed header parses', (t) => {
  const parsed = parseBundleHeader(header(goodManifest()));
  t.deepEqual(parsed.manifest, goodManifest());
  t.deepEqual(parsed.signature, goodSignature());
  t.is(parsed.totalSize, parsed.payloadOffset + 100 + 200 + 300 + 400);
});

// Each of these must be refused with a BundleError naming the problem, never a TypeError or a pass.
const malformed: [string, unknown, RegExp, unknown?][] = [
  ['a manifest that is null', null, /manifest is not a JSON object/],
  ['a manifest that is an array', [goodManifest()], /manifest is not a JSON object/],
  ['a manifest that is a string', 'kernel', /manifest is not a JSON object/],
  ['format 2', { ...goodManifest(), format: 2 }, /manifest's format is 2, expected 1/],
  ['format "1"', { ...goodManifest(), format: '1' }, /manifest's format is "1", expected 1/],
  ['no format', without(goodManifest(), 'format'), /manifest's format is missing, expected 1/],
  ['no name', without(goodManifest(), 'name'), /manifest's name is missing, expected a string/],
  ['a numeric arch', { ...goodManifest(), arch: 64 }, /manifest's arch is 64, expected a string/],
  ['a numeric version', { ...goodManifest(), version: 2 }, /manifest's version is 2, expected a string/],
  ['no compatible name', without(goodManifest(), 'compatible'), /manifest's compatible is missing, expected a string/],
  ['a compatible name in an array', { ...goodManifest(), compatible: ['demo-x86_64'] }, /manifest's compatible is \["demo-x86_64"\], expected a string/],
  ['a null compatible name', { ...goodManifest(), compatible: null }, /manifest's compatible is null, expected a string/],
  ['an empty compatible name', { ...goodManifest(), compatible: '' }, /manifest's compatible is "", expected the name of the images it is for/],
  ['an unknown manifest field', { ...goodManifest(), extra: true }, /manifest has an unknown field "extra"/],
  ['no files', without(goodManifest(), 'files'), /manifest's files is missing, expected an array/],
  ['files that is null', { ...goodManifest(), files: null }, /manifest's files is null, expected an array/],
  ['files that is a string', { ...goodManifest(), files: slotFiles.join(',') }, /manifest's files is "kernel,initrd.img,cmdline,manifest.json", expected an array/],
  ['files that is an object', { ...goodManifest(), files: { 0: goodFiles()[0] } }, /expected an array/],
  ['a missing file', withFiles((files) => files.slice(0, 3)), /manifest lists 3 files, expected 4: kernel, initrd.img, cmdline, manifest.json/],
  ['an extra file', withFiles((files) => [...files, { name: 'extra', size: 1, sha256: hash }]), /manifest lists 5 files, expected 4/],
  ['files in another order', withFiles((files) => [files[1], files[0], files[2], files[3]]), /manifest's files\[0\]\.name is "initrd.img", expected "kernel"/],
  ['names joined by commas', withFiles((files) => [{ ...files[0], name: 'kernel,initrd.img' }, { ...files[2], name: 'cmdline,manifest.json' }]), /manifest lists 2 files, expected 4/],
  ['comma names padded to four', withFiles((files) => [{ ...files[0], name: 'kernel,initrd.img' }, { ...files[2], name: 'cmdline' }, { ...files[3], name: 'manifest.json' }, { ...files[3], name: '' }].slice(0, 4)), /files\[0\]\.name is "kernel,initrd.img", expected "kernel"/],
  ['a name in an array', withFile(0, { name: ['kernel'] }), /files\[0\]\.name is \["kernel"\], expected "kernel"/],
  ['a file that is null', withFiles((files) => [files[0], null, files[2], files[3]]), /manifest's files\[1\] is null, expected an object/],
  ['a file that is a string', withFiles((files) => ['kernel', ...files.slice(1)]), /manifest's files\[0\] is "kernel", expected an object/],
  ['a negative size', withFile(1, { size: -1 }), /files\[1\]\.size is -1, expected a whole number of bytes/],
  ['a fractional size', withFile(1, { size: 1.5 }), /files\[1\]\.size is 1\.5, expected a whole number of bytes/],
  ['a size in a string', withFile(1, { size: '100' }), /files\[1\]\.size is "100", expected a whole number of bytes/],
  ['a size past 2^53', withFile(1, { size: 2 ** 53 }), /files\[1\]\.size is 9007199254740992, expected a whole number of bytes/],
  ['no size', withFiles((files) => [files[0], without(files[1]!, 'size'), files[2], files[3]]), /files\[1\]\.size is missing/],
  ['sizes that add up past 2^53', withFiles((files) => files.map((file) => ({ ...file, size: 2 ** 52 }))), /files add up to more bytes than a bundle can have/],
  ['an uppercase sha256', withFile(2, { sha256: hash.toUpperCase() }), /files\[2\]\.sha256 is "ABAB.*", expected 64 lowercase hex digits/],
  ['a short sha256', withFile(2, { sha256: hash.slice(1) }), /files\[2\]\.sha256 is .*, expected 64 lowercase hex digits/],
  ['a sha256 in an array', withFile(2, { sha256: [hash] }), /files\[2\]\.sha256 is \["abab.*"\], expected 64 lowercase hex digits/],
  ['an unknown file field', withFile(3, { mode: 420 }), /manifest's files\[3\] has an unknown field "mode"/],
  ['a signature that is null', goodManifest(), /signature is not a JSON object/, null],
  ['a signature that is an array', goodManifest(), /signature is not a JSON object/, [goodSignature()]],
  ['a numeric algorithm', goodManifest(), /signature's algorithm is 25519, expected a string/, { ...goodSignature(), algorithm: 25519 }],
  ['a numeric key id', goodManifest(), /signature's key is 1, expected a string/, { ...goodSignature(), key: 1 }],
  ['no signature bytes', goodManifest(), /signature's signature is missing, expected a string/, without(goodSignature(), 'signature')],
  ['an unknown signature field', goodManifest(), /signature has an unknown field "note"/, { ...goodSignature(), note: 'hi' }],
];

for (const [name, manifest, message, signature] of malformed) {
  test(`refuses a manifest with ${name}`, (t) => {
    const bytes = signature === undefined ? header(manifest) : header(manifest, signature);
    const error = t.throws(() => parseBundleHeader(bytes), { instanceOf: BundleError, message });
    t.is(error?.constructor, BundleError);
  });
}

/** A header signed for real, so checkBundle gets past the signature to the compatible name. */
function signedHeader(manifest: unknown) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const id = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest));
  const signature = { algorithm: 'ed25519', key: id, signature: sign(null, manifestBytes, privateKey).toString('hex') };
  const context: CheckContext = {
    trusted: [{ id, publicKey: raw.toString('hex') }],
    arch: 'x86_64',
    compatible: 'demo-x86_64',
    running: '1',
    sha512: (data) => new Uint8Array(createHash('sha512').update(data).digest()),
  };
  return { header: parseBundleHeader(header(manifest, signature)), context };
}

test('checkBundle accepts a signed bundle of this compatible name', (t) => {
  const { header: parsed, context } = signedHeader(goodManifest());
  t.notThrows(() => checkBundle(parsed, context));
});

test('checkBundle refuses a signed bundle for another compatible name, naming both', (t) => {
  const { header: parsed, context } = signedHeader({ ...goodManifest(), compatible: 'acme-camera' });
  t.throws(() => checkBundle(parsed, context), {
    instanceOf: BundleError,
    message: 'the bundle is for images compatible with "acme-camera", this image is "demo-x86_64" (update.compatible in the spec): it was built for another product',
  });
});

test('the default compatible name is the image name and the architecture', (t) => {
  t.is(defaultCompatible('gateway', 'aarch64'), 'gateway-aarch64');
});
