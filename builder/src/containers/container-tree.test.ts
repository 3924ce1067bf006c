import test from 'ava';
import { bytes, type Entry } from '../tree/tree.ts';
import { planContainerTree } from './container-tree.ts';

const packageEntries: Entry[] = [
  { path: 'usr/sbin/mosquitto', kind: 'file', mode: 0o755, uid: 0, gid: 0, data: bytes('ELF') },
  { path: 'usr/share/doc/mosquitto/copyright', kind: 'file', mode: 0o644, uid: 0, gid: 0, data: bytes('MIT') },
  { path: 'usr/share/man/man8/mosquitto.8.gz', kind: 'file', mode: 0o644, uid: 0, gid: 0, data: bytes('man') },
];

test('packages, base users, /tmp and the files; documentation left out', (t) => {
  const { tree, user, problems } = planContainerTree(
    { name: 'm', packages: ['mosquitto'], files: [{ path: '/etc/m.conf', contents: 'listener 1883\n', owner: 'nobody' }], user: 'nobody' },
    0,
    packageEntries,
    new Map(),
  );
  t.deepEqual(problems, []);
  t.is(user, '65534:65534');
  t.true(tree.has('/usr/sbin/mosquitto'));
  t.false(tree.has('/usr/share/doc'));
  t.false(tree.has('/usr/share/man'));
  t.like(tree.get('/tmp'), { kind: 'dir', mode: 0o1777 });
  t.like(tree.get('/etc/m.conf'), { uid: 65534 });
  t.regex(Buffer.from((tree.get('/etc/passwd') as { data: Uint8Array }).data).toString(), /^nobody:/m);
});

test('an unknown user is a problem at the container path', (t) => {
  const { problems } = planContainerTree({ name: 'm', packages: ['x'], user: 'mosquitto' }, 2, packageEntries, new Map());
  t.deepEqual(problems.map((p) => p.path), [['containers', 2, 'user']]);
  t.regex(problems[0]!.message, /unknown user "mosquitto"/);
});
