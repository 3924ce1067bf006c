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

const passwdOf = (tree: ReturnType<typeof planContainerTree>['tree']) => Buffer.from((tree.get('/etc/passwd') as { data: Uint8Array }).data).toString();

test("a container of mosquitto runs as the mosquitto user the package-users table gives it", (t) => {
  const { tree, user, problems } = planContainerTree({ name: 'm', packages: ['mosquitto'], user: 'mosquitto' }, 0, packageEntries, new Map());
  t.deepEqual(problems, []);
  t.is(user, '101:101');
  t.regex(passwdOf(tree), /^mosquitto:x:101:101::\/var\/lib\/mosquitto:\/usr\/sbin\/nologin$/m);
  t.regex(Buffer.from((tree.get('/etc/group') as { data: Uint8Array }).data).toString(), /^mosquitto:x:101:$/m);
});

test("a container gets the users its packages' sysusers.d files declare", (t) => {
  const sysusers: Entry = { path: 'usr/lib/sysusers.d/app.conf', kind: 'file', mode: 0o644, uid: 0, gid: 0, data: bytes('u app - "App daemon" /var/lib/app\n') };
  const { tree, user, problems } = planContainerTree({ name: 'm', packages: ['app'], user: 'app' }, 0, [...packageEntries, sysusers], new Map());
  t.deepEqual(problems, []);
  t.is(user, '101:101');
  t.regex(passwdOf(tree), /^app:x:101:101:App daemon:\/var\/lib\/app:\/usr\/sbin\/nologin$/m);
});

test('a bad sysusers.d line in a container is a problem at its packages, naming the file and line', (t) => {
  const sysusers: Entry = { path: 'usr/lib/sysusers.d/bad.conf', kind: 'file', mode: 0o644, uid: 0, gid: 0, data: bytes('z nope\n') };
  const { problems } = planContainerTree({ name: 'm', packages: ['bad'] }, 1, [sysusers], new Map());
  t.deepEqual(problems.map((p) => p.path), [['containers', 1, 'packages']]);
  t.regex(problems[0]!.message, /\/usr\/lib\/sysusers\.d\/bad\.conf:1: unknown line type "z"/);
});
