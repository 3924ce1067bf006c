import test from 'ava';
import { bytes } from '../tree/tree.ts';
import { imageFromArchive } from './archive-image.ts';
import { blob, mediaTypes, sha256Digest, type OciBlob } from './oci-image.ts';
import { ociPlatform } from './oci-platform.ts';

const json = (value: unknown) => bytes(JSON.stringify(value));
const layerTar = bytes('pretend this is a layer tar');

/** A `docker save` tarball's files for one image of the given architecture. */
function dockerSave(architecture: string, variant?: string): Map<string, Uint8Array> {
  const config = json({ architecture, ...(variant ? { variant } : {}), os: 'linux', config: { Cmd: ['/app'] }, rootfs: { type: 'layers', diff_ids: [sha256Digest(layerTar)] } });
  return new Map([
    ['manifest.json', json([{ Config: 'abc.json', RepoTags: ['app:1'], Layers: ['l1/layer.tar'] }])],
    ['abc.json', config],
    ['l1/layer.tar', layerTar],
  ]);
}

/** An OCI layout with one image per architecture behind a multi-platform index. */
function ociLayout(architectures: string[]): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const put = (b: OciBlob) => (files.set(`blobs/sha256/${b.digest.slice(7)}`, b.data), b);
  const layer = put(blob(mediaTypes.layerTar, layerTar));
  const manifests = architectures.map((architecture) => {
    const config = put(blob(mediaTypes.config, json({ architecture, os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.digest] } })));
    const manifest = put(blob(mediaTypes.manifest, json({ schemaVersion: 2, config: { mediaType: config.mediaType, digest: config.digest, size: config.data.length }, layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.data.length }] })));
    return { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.data.length, platform: { os: 'linux', architecture } };
  });
  const index = put(blob(mediaTypes.index, json({ schemaVersion: 2, manifests })));
  files.set('index.json', json({ schemaVersion: 2, manifests: [{ mediaType: index.mediaType, digest: index.digest, size: index.data.length }] }));
  files.set('oci-layout', json({ imageLayoutVersion: '1.0.0' }));
  return files;
}

test('docker save: the config architecture is checked and the layers kept as they are', (t) => {
  const image = imageFromArchive(dockerSave('arm64'), ociPlatform('arm64'), 'app.tar', 'aarch64');
  t.is(image.layers.length, 1);
  t.is(image.layers[0]!.digest, sha256Digest(layerTar), 'an uncompressed layer keeps its diff_id as digest');
  t.is(image.layers[0]!.mediaType, mediaTypes.layerTar);
  t.is(JSON.parse(Buffer.from(image.manifest.data).toString()).config.digest, image.config.digest);
});

test('docker save of another architecture fails naming file, found and wanted platforms', (t) => {
  t.throws(() => imageFromArchive(dockerSave('amd64'), ociPlatform('armhf'), 'images/app.tar', 'armv7'), {
    message: 'images/app.tar: has linux/amd64, but armv7 needs linux/arm/v7. Use an archive of the linux/arm/v7 image (e.g. pulled or saved with --platform linux/arm/v7)',
  });
  t.notThrows(() => imageFromArchive(dockerSave('arm', 'v7'), ociPlatform('armhf'), 'app.tar', 'armv7'));
});

test('docker save with several images asks for one per archive', (t) => {
  const files = dockerSave('amd64');
  files.set('manifest.json', json([{ Config: 'abc.json', RepoTags: ['a:1'], Layers: [] }, { Config: 'abc.json', RepoTags: ['b:1'], Layers: [] }]));
  t.throws(() => imageFromArchive(files, ociPlatform('amd64'), 'two.tar', 'x86_64'), { message: /two\.tar: holds 2 images \(a:1, b:1\)/ });
});

test('OCI layout: the manifest for the target is picked from a multi-platform index, digests unchanged', (t) => {
  const files = ociLayout(['amd64', 'arm64', 'mips64le']);
  const image = imageFromArchive(files, ociPlatform('mips64el'), 'multi.tar', 'mips64el');
  t.is(JSON.parse(Buffer.from(image.config.data).toString()).architecture, 'mips64le');
  t.is(sha256Digest(image.manifest.data), image.manifest.digest);
});

test('OCI layout without the target lists what it has', (t) => {
  t.throws(() => imageFromArchive(ociLayout(['amd64', 'arm64']), ociPlatform('i386'), 'multi.tar', 'i386'), {
    message: /multi\.tar: has linux\/amd64, linux\/arm64, but i386 needs linux\/386/,
  });
});

test('a missing blob and an unknown format are named', (t) => {
  const files = ociLayout(['amd64']);
  for (const key of [...files.keys()]) if (key.startsWith('blobs/') && files.get(key)!.length === layerTar.length) files.delete(key);
  t.throws(() => imageFromArchive(files, ociPlatform('amd64'), 'broken.tar', 'x86_64'), { message: /broken\.tar: blob sha256:[0-9a-f]{64} is missing/ });
  t.throws(() => imageFromArchive(new Map(), ociPlatform('amd64'), 'empty.tar', 'x86_64'), { message: /empty\.tar: neither an OCI archive/ });
});
