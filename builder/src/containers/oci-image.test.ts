import test from 'ava';
import { Tree, bytes } from '../tree/tree.ts';
import { assembleImage, mediaTypes, sha256Digest, writeOciArchive } from './oci-image.ts';
import { ociPlatform } from './oci-platform.ts';
import { readTarFiles } from './read-archive.ts';
import { writeTar } from './write-tar.ts';

async function sampleLayer(): Promise<Uint8Array> {
  const tree = new Tree();
  tree.add({ path: '/usr/bin/app', kind: 'file', mode: 0o755, data: bytes('#!/bin/sh\necho hi\n') });
  tree.add({ path: '/bin/sh', kind: 'symlink', mode: 0o777, target: 'busybox' });
  tree.add({ path: '/tmp', kind: 'dir', mode: 0o1777 });
  return writeTar(tree.entries(), 0);
}

const text = (data: Uint8Array | undefined) => JSON.parse(Buffer.from(data!).toString('utf8'));

test('the config records the platform, the run settings and the layer diff_ids', async (t) => {
  const layer = await sampleLayer();
  const image = assembleImage(ociPlatform('armhf'), { Entrypoint: ['/usr/bin/app'], Env: ['PATH=/bin'] }, [layer], 86400, { gzip: true });
  const config = text(image.config.data);
  t.like(config, { architecture: 'arm', variant: 'v7', os: 'linux', created: '1970-01-02T00:00:00Z', config: { Entrypoint: ['/usr/bin/app'] } });
  t.deepEqual(config.rootfs, { type: 'layers', diff_ids: [sha256Digest(layer)] });
  const manifest = text(image.manifest.data);
  t.is(manifest.config.digest, image.config.digest);
  t.is(manifest.layers[0].mediaType, mediaTypes.layerGzip);
  t.is(manifest.layers[0].digest, image.layers[0]!.digest);
  t.is(manifest.layers[0].size, image.layers[0]!.data.length);
});

test('layers are stored uncompressed by default: the diff_id is then the layer digest', async (t) => {
  const layer = await sampleLayer();
  const image = assembleImage(ociPlatform('amd64'), {}, [layer], 0);
  t.is(image.layers[0]!.mediaType, mediaTypes.layerTar);
  t.is(image.layers[0]!.digest, sha256Digest(layer));
});

test('the same inputs give byte-identical archives; another epoch does not', async (t) => {
  const build = async (epoch: number) => writeOciArchive(assembleImage(ociPlatform('amd64'), {}, [await sampleLayer()], epoch), 'imago/app:latest', epoch);
  const [a, b, c] = [await build(0), await build(0), await build(1)];
  t.is(sha256Digest(a), sha256Digest(b));
  t.not(sha256Digest(a), sha256Digest(c));
});

test('the archive is an OCI layout naming the image for containerd', async (t) => {
  const image = assembleImage(ociPlatform('arm64'), {}, [await sampleLayer()], 0);
  const files = await readTarFiles(await writeOciArchive(image, 'imago/app:latest', 0));
  t.deepEqual(text(files.get('oci-layout')), { imageLayoutVersion: '1.0.0' });
  const index = text(files.get('index.json'));
  t.is(index.manifests[0].digest, image.manifest.digest);
  t.deepEqual(index.manifests[0].platform, { os: 'linux', architecture: 'arm64' });
  t.is(index.manifests[0].annotations['io.containerd.image.name'], 'imago/app:latest');
  for (const part of [image.manifest, image.config, ...image.layers]) {
    t.is(sha256Digest(files.get(`blobs/sha256/${part.digest.slice(7)}`)!), part.digest, `blob ${part.digest} is stored under its digest`);
  }
});

test('layer tars keep modes, owners, links and a fixed mtime', async (t) => {
  const tree = new Tree();
  tree.add({ path: '/etc/app.conf', kind: 'file', mode: 0o640, uid: 0, gid: 65534, data: bytes('x=1\n') });
  tree.add({ path: '/etc/app-link', kind: 'hardlink', mode: 0o640, target: '/etc/app.conf' });
  const { extract } = await import('tar-stream');
  const archive = extract();
  const headers: { name: string; mode?: number; gid?: number; type?: string; mtime?: Date; linkname?: string | null }[] = [];
  archive.on('entry', (header, stream, next) => {
    headers.push(header);
    stream.on('end', next);
    stream.resume();
  });
  const done = new Promise<void>((resolve) => archive.on('finish', () => resolve()));
  archive.end(Buffer.from(await writeTar(tree.entries(), 1234)));
  await done;
  // The link sorts first, but tar can only link to a name it has already extracted.
  t.deepEqual(headers.map((h) => h.name), ['etc/', 'etc/app.conf', 'etc/app-link']);
  t.like(headers[1], { mode: 0o640, gid: 65534, type: 'file' });
  t.like(headers[2], { type: 'link', linkname: 'etc/app.conf' });
  t.true(headers.every((h) => h.mtime?.getTime() === 1234_000));
});
