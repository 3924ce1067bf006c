import test from 'ava';
import { Tree, bytes } from '../tree/tree.ts';
import { writeCpio } from './cpio-newc.ts';
import { readCpio } from './cpio-read.ts';

function sampleTree(): Tree {
  const tree = new Tree();
  tree.add({ path: '/bin/busybox', kind: 'file', mode: 0o755, data: bytes('#!busybox') });
  tree.add({ path: '/bin/sh', kind: 'symlink', mode: 0o777, target: 'busybox' });
  tree.add({ path: '/usr/bin/su', kind: 'file', mode: 0o4755, data: bytes('su') });
  tree.add({ path: '/usr/bin/su-link', kind: 'hardlink', mode: 0o755, target: '/usr/bin/su' });
  tree.add({ path: '/dev/console', kind: 'chardev', mode: 0o600, major: 5, minor: 1 });
  tree.add({ path: '/home/user', kind: 'dir', mode: 0o700, uid: 1000, gid: 1000 });
  tree.add({ path: '/run/fifo', kind: 'fifo', mode: 0o644 });
  return tree;
}

test('round-trips entries with modes, owners, devices and links', (t) => {
  const records = readCpio(writeCpio(sampleTree(), { mtime: 1234 }));
  const byName = new Map(records.map((r) => [r.name, r]));
  t.deepEqual(
    records.map((r) => r.name),
    ['bin', 'bin/busybox', 'bin/sh', 'dev', 'dev/console', 'home', 'home/user', 'run', 'run/fifo', 'usr', 'usr/bin', 'usr/bin/su', 'usr/bin/su-link'],
  );
  t.is(byName.get('bin/busybox')!.mode, 0o100755);
  t.is(new TextDecoder().decode(byName.get('bin/sh')!.data), 'busybox');
  t.is(byName.get('bin/sh')!.mode, 0o120777);
  t.is(byName.get('dev/console')!.mode, 0o020600);
  t.is(byName.get('dev/console')!.rdevMajor, 5);
  t.is(byName.get('dev/console')!.rdevMinor, 1);
  t.is(byName.get('home/user')!.uid, 1000);
  t.is(byName.get('home/user')!.mode, 0o040700);
  t.is(byName.get('run/fifo')!.mode, 0o010644);
  t.true(records.every((r) => r.mtime === 1234));
});

test('hard links share an inode and the first name carries the bytes', (t) => {
  const records = readCpio(writeCpio(sampleTree(), { mtime: 0 }));
  const su = records.find((r) => r.name === 'usr/bin/su')!;
  const link = records.find((r) => r.name === 'usr/bin/su-link')!;
  t.is(su.ino, link.ino);
  t.is(su.nlink, 2);
  t.is(link.nlink, 2);
  t.is(new TextDecoder().decode(su.data), 'su');
  t.is(link.data.length, 0);
  t.is(link.mode, 0o104755, 'a link takes its file mode');
});

test('output is byte-identical whatever order entries were added in', (t) => {
  const forward = sampleTree();
  const backward = new Tree();
  for (const entry of [...forward.entries()].reverse()) backward.add(entry);
  t.deepEqual(writeCpio(forward, { mtime: 7 }), writeCpio(backward, { mtime: 7 }));
});

test('inode numbers are unique and stable', (t) => {
  const records = readCpio(writeCpio(sampleTree(), { mtime: 0 }));
  const inodes = records.filter((r) => r.name !== 'usr/bin/su-link').map((r) => r.ino);
  t.is(new Set(inodes).size, inodes.length);
  t.deepEqual(inodes, [...inodes].sort((a, b) => a - b));
});

test('random trees round-trip', (t) => {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let round = 0; round < 50; round++) {
    const tree = new Tree();
    const count = 1 + Math.floor(random() * 30);
    for (let i = 0; i < count; i++) {
      const path = `/d${Math.floor(random() * 4)}/f${i}`;
      const data = new Uint8Array(Math.floor(random() * 9)).map(() => Math.floor(random() * 256));
      tree.add({ path, kind: 'file', mode: Math.floor(random() * 0o7777), uid: i, gid: i + 1, data });
    }
    const records = readCpio(writeCpio(tree, { mtime: round }));
    const files = records.filter((r) => (r.mode & 0o170000) === 0o100000);
    t.is(files.length, count);
    for (const record of files) {
      const entry = tree.get(record.name)!;
      t.true(entry.kind === 'file');
      if (entry.kind === 'file') {
        t.deepEqual(record.data, entry.data);
        t.is(record.mode & 0o7777, entry.mode);
        t.is(record.uid, entry.uid);
      }
    }
  }
});
