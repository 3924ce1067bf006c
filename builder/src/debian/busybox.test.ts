import test from 'ava';
import { Tree } from '../tree/tree.ts';
import { addBusyboxLinks, busyboxApplets } from './busybox.ts';

/** A fake binary: junk, a decoy "[\0[[\0" that is not sorted, then the real table. */
function fakeBusybox(): Uint8Array {
  return Buffer.concat([
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]),
    Buffer.from('[\0[[\0zz\0aa\0\0', 'latin1'),
    Buffer.from('some string\0', 'latin1'),
    Buffer.from('[\0[[\0ash\0cat\0ls\0sh\0\0/var/log/wtmp\0', 'latin1'),
  ]);
}

test('busyboxApplets reads the sorted table and skips an unsorted decoy', (t) => {
  t.deepEqual(busyboxApplets(fakeBusybox()), ['[', '[[', 'ash', 'cat', 'ls', 'sh']);
});

test('busyboxApplets fails clearly without a table', (t) => {
  const error = t.throws(() => busyboxApplets(Buffer.from('no table here')));
  t.regex(error!.message, /failed to find the applet table/);
});

test('addBusyboxLinks links into /bin and never replaces or shadows existing commands', (t) => {
  const tree = new Tree();
  tree.add({ path: '/bin/busybox', kind: 'file', mode: 0o755, data: fakeBusybox() });
  tree.add({ path: '/usr/bin/cat', kind: 'file', mode: 0o755, data: new Uint8Array() });
  tree.add({ path: '/bin/sh', kind: 'symlink', mode: 0o777, target: 'dash' });
  const linked = addBusyboxLinks(tree);
  t.deepEqual(linked, ['[', '[[', 'ash', 'ls']);
  t.like(tree.get('/bin/ls'), { kind: 'symlink', target: '/bin/busybox' });
  t.like(tree.get('/bin/sh'), { kind: 'symlink', target: 'dash' });
  t.false(tree.has('/bin/cat'));
});

test('addBusyboxLinks follows a merged-/usr bin symlink', (t) => {
  const tree = new Tree();
  tree.add({ path: '/bin', kind: 'symlink', mode: 0o777, target: 'usr/bin' });
  tree.add({ path: '/usr/bin/busybox', kind: 'file', mode: 0o755, data: fakeBusybox() });
  addBusyboxLinks(tree, '/usr/bin/busybox');
  t.like(tree.get('/bin'), { kind: 'symlink' });
  t.like(tree.get('/usr/bin/ls'), { kind: 'symlink', target: '/usr/bin/busybox' });
});

test('addBusyboxLinks needs the binary in the tree', (t) => {
  const error = t.throws(() => addBusyboxLinks(new Tree()));
  t.regex(error!.message, /\/bin\/busybox is not a regular file/);
});
