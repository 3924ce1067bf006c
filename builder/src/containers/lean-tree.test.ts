import test from 'ava';
import { bytes, Tree, type EntryInput } from '../tree/tree.ts';
import { pathExcluder } from './exclude-paths.ts';
import { leanTree } from './lean-tree.ts';
import { makeElf } from './testdata/make-elf.ts';

const lib = 'usr/lib/x86_64-linux-gnu';
const elf = (needed: string[], interpreter?: string) => makeElf({ wide: true, little: true, needed, interpreter });

/** A mosquitto-like closure: the broker, the libraries it links, and what only maintainer scripts use. */
function closure(): { tree: Tree; owners: Map<string, string> } {
  const tree = new Tree();
  const owners = new Map<string, string>();
  const add = (owner: string, entry: EntryInput) => {
    const added = tree.add(entry);
    owners.set(added.path, owner);
  };
  const file = (owner: string, path: string, data: Uint8Array, mode = 0o755) => add(owner, { path, kind: 'file', mode, data });
  file('mosquitto', 'usr/sbin/mosquitto', elf(['libssl.so.3', 'libc.so.6'], '/lib64/ld-linux-x86-64.so.2'));
  file('mosquitto', 'etc/mosquitto/mosquitto.conf', bytes('listener 1883\n'), 0o644);
  file('mosquitto', 'usr/share/doc/mosquitto/copyright', bytes('EPL'), 0o644);
  file('libssl3', `${lib}/libssl.so.3`, elf(['libcrypto.so.3', 'libc.so.6']));
  file('libssl3', `${lib}/libcrypto.so.3`, elf(['libc.so.6']));
  file('libssl3', `${lib}/engines-3/afalg.so`, elf(['libcrypto.so.3']));
  file('libc6', 'lib/x86_64-linux-gnu/libc.so.6', elf([]));
  file('libc6', 'lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', elf([]));
  add('libc6', { path: 'lib64/ld-linux-x86-64.so.2', kind: 'symlink', mode: 0o777, target: '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2' });
  file('libc6', `${lib}/gconv/UTF-16.so`, elf(['libc.so.6']));
  file('libc6', 'sbin/ldconfig', elf([]));
  file('libc6', 'etc/ld.so.conf.d/x86_64-linux-gnu.conf', bytes('/usr/lib/x86_64-linux-gnu\n'), 0o644);
  file('passwd', 'usr/sbin/useradd', elf(['libpam.so.0', 'libc.so.6']));
  file('libpam0g', `${lib}/libpam.so.0.85.1`, elf(['libc.so.6']));
  add('libpam0g', { path: `${lib}/libpam.so.0`, kind: 'symlink', mode: 0o777, target: 'libpam.so.0.85.1' });
  return { tree, owners };
}

test('keeps the listed package\'s programs and what they load; drops dependencies\' unused programs, libraries and plugins', (t) => {
  const { tree, owners } = closure();
  const { removed } = leanTree(tree, { owners, wanted: ['mosquitto'], roots: [], excluded: pathExcluder() });
  for (const kept of ['usr/sbin/mosquitto', `${lib}/libssl.so.3`, `${lib}/libcrypto.so.3`, 'lib/x86_64-linux-gnu/libc.so.6', 'lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', 'lib64/ld-linux-x86-64.so.2', 'etc/mosquitto/mosquitto.conf', 'etc/ld.so.conf.d/x86_64-linux-gnu.conf']) {
    t.true(tree.has(kept), `/${kept} is kept`);
  }
  t.deepEqual(removed, [`${lib}/engines-3/afalg.so`, `${lib}/gconv/UTF-16.so`, `${lib}/libpam.so.0`, `${lib}/libpam.so.0.85.1`, 'sbin/ldconfig', 'usr/share/doc', 'usr/share/doc/mosquitto', 'usr/share/doc/mosquitto/copyright', 'usr/sbin/useradd'].sort());
});

test('a dependency\'s program named as the entrypoint stays, with its libraries', (t) => {
  const { tree, owners } = closure();
  leanTree(tree, { owners, wanted: ['mosquitto'], roots: ['/usr/sbin/useradd'], excluded: pathExcluder() });
  t.true(tree.has('usr/sbin/useradd'));
  t.true(tree.has(`${lib}/libpam.so.0`), 'the soname link is kept');
  t.true(tree.has(`${lib}/libpam.so.0.85.1`), 'and the file it points at');
});

test('listing a dependency keeps all its programs and plugins', (t) => {
  const { tree, owners } = closure();
  leanTree(tree, { owners, wanted: ['mosquitto', 'libssl3'], roots: [], excluded: pathExcluder() });
  t.true(tree.has(`${lib}/engines-3/afalg.so`));
});

test('paths without an owner (accounts, the spec\'s files) are never removed', (t) => {
  const { tree, owners } = closure();
  tree.add({ path: 'usr/share/doc/readme', kind: 'file', mode: 0o644, data: bytes('mine') });
  tree.add({ path: 'usr/local/bin/tool', kind: 'file', mode: 0o755, data: elf(['libpam.so.0']) });
  leanTree(tree, { owners, wanted: ['mosquitto'], roots: [], excluded: pathExcluder() });
  t.true(tree.has('usr/share/doc/readme'));
  t.true(tree.has('usr/local/bin/tool'));
  t.true(tree.has(`${lib}/libpam.so.0.85.1`), 'what an unowned program links stays too');
});

test('a corrupt ELF file that must be read is named in the error', (t) => {
  const tree = new Tree();
  tree.add({ path: 'usr/bin/broken', kind: 'file', mode: 0o755, data: elf(['libc.so.6']).subarray(0, 80) });
  t.throws(() => leanTree(tree, { owners: new Map([['usr/bin/broken', 'x']]), wanted: ['x'], roots: [], excluded: () => false }), { message: /^\/usr\/bin\/broken: unreadable ELF headers: / });
});
