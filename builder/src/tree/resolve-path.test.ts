import test from 'ava';
import { bytes, Tree } from './tree.ts';
import { resolvePath } from './resolve-path.ts';

function usrMergedTree(): Tree {
  const tree = new Tree();
  tree.add({ path: '/usr/bin/busybox', kind: 'file', mode: 0o755, data: bytes('ELF') });
  tree.add({ path: '/bin', kind: 'symlink', mode: 0o777, target: 'usr/bin' });
  tree.add({ path: '/usr/bin/getty', kind: 'symlink', mode: 0o777, target: 'busybox' });
  tree.add({ path: '/usr/sbin/tool', kind: 'hardlink', mode: 0o755, target: '/usr/bin/busybox' });
  tree.add({ path: '/opt/app/run', kind: 'symlink', mode: 0o777, target: '../../../../bin/getty' });
  tree.add({ path: '/loop/a', kind: 'symlink', mode: 0o777, target: '/loop/b' });
  tree.add({ path: '/loop/b', kind: 'symlink', mode: 0o777, target: 'a' });
  tree.add({ path: '/dangling', kind: 'symlink', mode: 0o777, target: '/usr/bin/gone' });
  return tree;
}

const cases: { name: string; path: string; expected: ReturnType<typeof resolvePath> | string }[] = [
  { name: 'a plain file', path: '/usr/bin/busybox', expected: 'usr/bin/busybox' },
  { name: 'a symlinked folder, then a relative symlink', path: '/bin/getty', expected: 'usr/bin/busybox' },
  { name: 'a hard link leads to its target', path: '/usr/sbin/tool', expected: 'usr/bin/busybox' },
  { name: '.. above the root stays at the root', path: '/opt/app/run', expected: 'usr/bin/busybox' },
  { name: 'a missing name', path: '/sbin/getty', expected: { missing: 'sbin' } },
  { name: 'a dangling symlink names what is missing', path: '/dangling', expected: { missing: 'usr/bin/gone' } },
  { name: 'a file used as a folder', path: '/usr/bin/busybox/x', expected: { missing: 'usr/bin/busybox/x' } },
  { name: 'a symlink loop', path: '/loop/a', expected: { missing: 'loop/a', loop: true } },
];

for (const { name, path, expected } of cases) {
  test(`resolvePath: ${name}`, (t) => {
    const result = resolvePath(usrMergedTree(), path);
    if (typeof expected === 'string') t.is('found' in result ? result.path : JSON.stringify(result), expected);
    else t.deepEqual(result, expected);
  });
}
