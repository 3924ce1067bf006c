import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tree, bytes } from '../tree/tree.ts';
import { writeTar } from './write-tar.ts';

/**
 * Hard links whose names sort before the file they name: in the same folder
 * ('-' sorts before '.'), in a folder that sorts before the file's, and a link
 * to a link. tar and containerd link to a name already extracted, so each
 * target must come first in the archive.
 */
function linkedTree(): Tree {
  const tree = new Tree();
  tree.add({ path: '/etc/app.conf', kind: 'file', mode: 0o640, data: bytes('x=1\n') });
  tree.add({ path: '/etc/app-link', kind: 'hardlink', mode: 0o640, target: '/etc/app.conf' });
  tree.add({ path: '/usr/bin/tool', kind: 'file', mode: 0o755, data: bytes('#!/bin/sh\n') });
  tree.add({ path: '/bin/tool', kind: 'hardlink', mode: 0o755, target: '/usr/bin/tool' });
  tree.add({ path: '/a-second-name', kind: 'hardlink', mode: 0o755, target: '/bin/tool' });
  tree.add({ path: '/etc/motd', kind: 'file', mode: 0o644, data: bytes('hi\n') });
  return tree;
}

test('GNU tar lists and extracts a layer whose hard links sort before their targets', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-write-tar-'));
  try {
    const archive = join(dir, 'layer.tar');
    await writeFile(archive, await writeTar(linkedTree().entries(), 0));
    const listing = execFileSync('tar', ['-tvf', archive], { encoding: 'utf8' });
    t.regex(listing, /etc\/app-link link to etc\/app\.conf/);
    t.regex(listing, /bin\/tool link to usr\/bin\/tool/);
    t.regex(listing, /a-second-name link to bin\/tool/);
    const root = join(dir, 'root');
    execFileSync('mkdir', [root]);
    execFileSync('tar', ['-xf', archive, '--no-same-owner', '-C', root], { stdio: 'pipe' });
    const [conf, confLink, tool, toolLink, secondName, motd] = await Promise.all(
      ['etc/app.conf', 'etc/app-link', 'usr/bin/tool', 'bin/tool', 'a-second-name', 'etc/motd'].map((path) => stat(join(root, path))),
    );
    t.is(confLink!.ino, conf!.ino);
    t.is(conf!.nlink, 2);
    t.is(toolLink!.ino, tool!.ino);
    t.is(secondName!.ino, tool!.ino);
    t.is(tool!.nlink, 3);
    t.is(motd!.nlink, 1);
    t.is(conf!.mode & 0o7777, 0o640);
    t.is(await readFile(join(root, 'a-second-name'), 'utf8'), '#!/bin/sh\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('hard links follow their targets, everything else keeps its order, and the bytes are reproducible', async (t) => {
  const names: string[] = [];
  const { extract } = await import('tar-stream');
  const archive = extract();
  archive.on('entry', (header, stream, next) => {
    names.push(header.name);
    stream.on('end', next);
    stream.resume();
  });
  const done = new Promise<void>((resolve) => archive.on('finish', () => resolve()));
  const tar = await writeTar(linkedTree().entries(), 0);
  archive.end(Buffer.from(tar));
  await done;
  t.deepEqual(names, ['bin/', 'etc/', 'etc/app.conf', 'etc/app-link', 'etc/motd', 'usr/', 'usr/bin/', 'usr/bin/tool', 'bin/tool', 'a-second-name']);
  t.deepEqual(await writeTar(linkedTree().entries(), 0), tar);
});

test('a hard link to a name outside the layer keeps its place', async (t) => {
  const tree = new Tree();
  tree.add({ path: '/a', kind: 'hardlink', mode: 0o644, target: '/lower/file' });
  tree.add({ path: '/b', kind: 'file', mode: 0o644, data: bytes('b') });
  const names: string[] = [];
  const { extract } = await import('tar-stream');
  const archive = extract();
  archive.on('entry', (header, stream, next) => {
    names.push(`${header.name} ${header.type}`);
    stream.on('end', next);
    stream.resume();
  });
  const done = new Promise<void>((resolve) => archive.on('finish', () => resolve()));
  archive.end(Buffer.from(await writeTar(tree.entries(), 0)));
  await done;
  t.deepEqual(names, ['a link', 'b file']);
});

test('hard links that name each other in a loop are refused', async (t) => {
  const tree = new Tree();
  tree.add({ path: '/a', kind: 'hardlink', mode: 0o644, target: '/b' });
  tree.add({ path: '/b', kind: 'hardlink', mode: 0o644, target: '/a' });
  await t.throwsAsync(writeTar(tree.entries(), 0), { message: /hard links a, b name each other in a loop/ });
});

/** Extracts `archive` into a new folder with GNU tar; throws with tar's message when tar refuses it. */
function gnuTarExtract(archive: string, root: string): void {
  execFileSync('mkdir', ['-p', root]);
  execFileSync('tar', ['-xf', archive, '--no-same-owner', '-C', root], { stdio: 'pipe' });
}

test('GNU tar refuses a layer with a hard link before its target, so the read-back test can fail', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-write-tar-'));
  try {
    // Written in plain sorted order, as the writer did before it held links back.
    const { pack } = await import('tar-stream');
    const archive = pack();
    const chunks: Buffer[] = [];
    archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    const ended = new Promise<void>((resolve) => archive.on('end', () => resolve()));
    archive.entry({ name: 'etc/app-link', type: 'link', linkname: 'etc/app.conf', mode: 0o644 });
    archive.entry({ name: 'etc/app.conf', type: 'file', mode: 0o644 }, 'x=1\n');
    archive.finalize();
    await ended;
    await writeFile(join(dir, 'bad.tar'), Buffer.concat(chunks));
    const error = t.throws(() => gnuTarExtract(join(dir, 'bad.tar'), join(dir, 'root')));
    t.regex(String((error as { stderr?: Buffer }).stderr), /etc\/app-link: Cannot hard link to .etc\/app\.conf.: No such file or directory/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('every layer of a stored container archive extracts with GNU tar, hard links sharing their target', async (t) => {
  const { planContainerTree } = await import('./container-tree.ts');
  const { assembleImage, writeOciArchive } = await import('./oci-image.ts');
  const { ociPlatform } = await import('./oci-platform.ts');
  // As unpackDeb leaves perl-base: the interpreter under two names, plus links whose names sort before their files.
  const packageEntries = [
    { path: 'usr/bin/perl5.36.0', kind: 'file' as const, mode: 0o755, uid: 0, gid: 0, data: bytes('ELF perl') },
    { path: 'usr/bin/perl', kind: 'hardlink' as const, mode: 0o755, uid: 0, gid: 0, target: 'usr/bin/perl5.36.0' },
    { path: 'usr/lib/x86_64-linux-gnu/perl-base/auto/a.so', kind: 'file' as const, mode: 0o644, uid: 0, gid: 0, data: bytes('so') },
    { path: 'usr/lib/x86_64-linux-gnu/perl-base/a-link.so', kind: 'hardlink' as const, mode: 0o644, uid: 0, gid: 0, target: 'usr/lib/x86_64-linux-gnu/perl-base/auto/a.so' },
  ];
  const { tree, problems } = planContainerTree({ name: 'perl', packages: ['perl-base'] }, 0, packageEntries, new Map());
  t.deepEqual(problems, []);
  const image = assembleImage(ociPlatform('amd64'), { Env: [], WorkingDir: '/' }, [await writeTar(tree.entries(), 0)], 0);
  const dir = await mkdtemp(join(tmpdir(), 'imago-write-tar-'));
  try {
    await writeFile(join(dir, 'image.tar'), await writeOciArchive(image, 'imago/perl:latest', 0));
    gnuTarExtract(join(dir, 'image.tar'), join(dir, 'oci'));
    const index = JSON.parse(await readFile(join(dir, 'oci', 'index.json'), 'utf8'));
    const blobPath = (digest: string) => join(dir, 'oci', 'blobs', 'sha256', digest.slice('sha256:'.length));
    const manifest = JSON.parse(await readFile(blobPath(index.manifests[0].digest), 'utf8'));
    t.is(manifest.layers.length, 1);
    for (const [i, layer] of manifest.layers.entries()) {
      const root = join(dir, `layer-${i}`);
      t.notThrows(() => gnuTarExtract(blobPath(layer.digest), root), `layer ${i}`);
      const [perl, versioned, so, soLink] = await Promise.all(
        ['usr/bin/perl', 'usr/bin/perl5.36.0', 'usr/lib/x86_64-linux-gnu/perl-base/auto/a.so', 'usr/lib/x86_64-linux-gnu/perl-base/a-link.so'].map((path) => stat(join(root, path))),
      );
      t.is(perl!.ino, versioned!.ino);
      t.is(soLink!.ino, so!.ino);
      t.is(await readFile(join(root, 'usr/bin/perl'), 'utf8'), 'ELF perl');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
