import test from 'ava';
import { chmod, link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../io/exec.ts';
import { Tree } from '../tree/tree.ts';
import { readControl, toEntry, unpackDeb } from './deb.ts';

/** Builds a tiny real .deb with dpkg-deb from a temporary folder: fast and offline. */
async function buildDeb(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imago-deb-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const root = join(dir, 'root');
  await mkdir(join(root, 'DEBIAN'), { recursive: true });
  await writeFile(
    join(root, 'DEBIAN/control'),
    'Package: imago-test\nVersion: 1:2.3-4\nArchitecture: amd64\nMaintainer: imago <imago@example.invalid>\nDescription: test package\n',
  );
  await mkdir(join(root, 'usr/bin'), { recursive: true });
  await writeFile(join(root, 'usr/bin/tool'), 'hello\n');
  await chmod(join(root, 'usr/bin/tool'), 0o755);
  await link(join(root, 'usr/bin/tool'), join(root, 'usr/bin/tool2'));
  await symlink('tool', join(root, 'usr/bin/alias'));
  await writeFile(join(root, 'usr/bin/su-ish'), 'x');
  await chmod(join(root, 'usr/bin/su-ish'), 0o4755);
  await run('mkfifo', [join(root, 'usr/pipe')]);
  const deb = join(dir, 'imago-test.deb');
  // xz like Debian's own packages, so the decompression path is the real one.
  await run('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', root, deb]);
  return deb;
}

test('unpackDeb reads files, symlinks, hard links, setuid bits and fifos into the tree', async (t) => {
  const deb = await buildDeb(t);
  const tree = new Tree();
  const count = await unpackDeb(deb, tree);
  t.true(count >= 6);
  const tool = tree.get('usr/bin/tool');
  const tool2 = tree.get('usr/bin/tool2');
  // tar stores the second name of a file as a link to the first one it met.
  const [file, hard] = tool?.kind === 'file' ? [tool, tool2] : [tool2, tool];
  t.is(file?.kind, 'file');
  t.is(file?.kind === 'file' && Buffer.from(file.data).toString(), 'hello\n');
  t.is(file?.mode, 0o755);
  t.like(hard, { kind: 'hardlink' });
  t.is(hard?.kind === 'hardlink' ? hard.target : undefined, file?.path);
  t.like(tree.get('usr/bin/alias'), { kind: 'symlink', target: 'tool', uid: 0, gid: 0 });
  t.like(tree.get('usr/bin/su-ish'), { kind: 'file', mode: 0o4755 });
  t.like(tree.get('usr/pipe'), { kind: 'fifo' });
  t.like(tree.get('usr'), { kind: 'dir', mode: 0o755 });
});

test('readControl returns name, version with epoch and architecture', async (t) => {
  const control = await readControl(await buildDeb(t));
  t.like(control, { name: 'imago-test', version: '1:2.3-4', architecture: 'amd64' });
  t.is(control.fields.get('Description'), 'test package');
});

test('unpackDeb names the package when the file is not a deb', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-deb-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'bad.deb'), 'not an archive');
  const error = await t.throwsAsync(unpackDeb(join(dir, 'bad.deb'), new Tree()));
  t.regex(error!.message, /failed to unpack package .*bad\.deb/);
});

const headerCases = [
  { desc: 'char device', header: { name: './dev/console', type: 'character-device', mode: 0o20600, devmajor: 5, devminor: 1 }, expected: { path: 'dev/console', kind: 'chardev', mode: 0o600, major: 5, minor: 1 } },
  { desc: 'block device', header: { name: './dev/vda', type: 'block-device', mode: 0o660, uid: 0, gid: 6, devmajor: 254, devminor: 0 }, expected: { path: 'dev/vda', kind: 'blockdev', gid: 6, major: 254 } },
  { desc: 'directory with trailing slash and owner', header: { name: './var/mail/', type: 'directory', mode: 0o2775, uid: 0, gid: 8 }, expected: { path: 'var/mail', kind: 'dir', mode: 0o2775, gid: 8 } },
  { desc: 'sticky directory', header: { name: './tmp/', type: 'directory', mode: 0o1777 }, expected: { path: 'tmp', kind: 'dir', mode: 0o1777 } },
] as const;
for (const { desc, header, expected } of headerCases) {
  test(`toEntry: ${desc}`, (t) => {
    t.like(toEntry(header, new Uint8Array()), expected as Record<string, unknown>);
  });
}

test('toEntry skips the archive root', (t) => {
  t.is(toEntry({ name: './', type: 'directory' }, new Uint8Array()), undefined);
});
