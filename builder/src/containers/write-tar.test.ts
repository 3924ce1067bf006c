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
