import test from 'ava';
import { bytes, Tree, type Entry } from '../tree/tree.ts';
import { addPreparedRootfs } from './prepared-rootfs.ts';

const file = (path: string, text: string, mode = 0o644, uid = 0): Entry => ({ path, kind: 'file', mode, uid, gid: 0, data: bytes(text) });

test('a prepared root goes under its folder with its owners, modes, symlinks and hard links', (t) => {
  const tree = new Tree();
  addPreparedRootfs(tree, {
    path: '/usr/lib/imago/containers/a',
    entries: [
      file('usr/bin/perl', 'perl', 0o755),
      { path: 'usr/bin/perl5.36.0', kind: 'hardlink', mode: 0o755, uid: 0, gid: 0, target: 'usr/bin/perl' },
      { path: 'lib64/ld.so', kind: 'symlink', mode: 0o777, uid: 0, gid: 0, target: '/lib/ld.so' },
      file('var/lib/mosquitto/x', 'state', 0o600, 101),
    ],
  });
  t.like(tree.get('/usr/lib/imago/containers/a/usr/bin/perl5.36.0'), { kind: 'hardlink', target: 'usr/lib/imago/containers/a/usr/bin/perl' });
  t.like(tree.get('/usr/lib/imago/containers/a/lib64/ld.so'), { kind: 'symlink', target: '/lib/ld.so' }, 'absolute targets resolve inside the container');
  t.like(tree.get('/usr/lib/imago/containers/a/var/lib/mosquitto/x'), { kind: 'file', mode: 0o600, uid: 101 });
});

test('a file two images share is stored once: the second is a hard link; a different mode or owner is not shared', (t) => {
  const tree = new Tree();
  const shared = new Map<string, string>();
  addPreparedRootfs(tree, { path: '/c/a', entries: [file('lib/libc.so.6', 'libc', 0o755), file('etc/conf', 'same')] }, shared);
  addPreparedRootfs(tree, { path: '/c/b', entries: [file('lib/libc.so.6', 'libc', 0o755), file('etc/conf', 'same', 0o600)] }, shared);
  t.like(tree.get('/c/b/lib/libc.so.6'), { kind: 'hardlink', target: 'c/a/lib/libc.so.6' });
  t.like(tree.get('/c/b/etc/conf'), { kind: 'file', mode: 0o600 });
});
