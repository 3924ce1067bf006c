import test from 'ava';
import { FakeSys } from '../sys/fake.ts';
import { isMountPoint, stateLocations, stateRoot, volatileStateRoot } from './state-plan.ts';
import { setUpState, type RunCommand } from './state-setup.ts';

const mounts = 'sysfs /sys sysfs rw 0 0\n/dev/vda3 /data ext4 rw,nosuid,nodev 0 0\nrun /run tmpfs rw 0 0\n';

/** Each mount table with the state root the init must choose. */
const rootCases: { name: string; mounts: string; dataMount?: string; root: string }[] = [
  { name: 'data partition mounted', mounts, dataMount: '/data', root: '/data/state' },
  { name: 'image without update: (no data mount configured)', mounts, root: volatileStateRoot },
  { name: 'data partition configured but not mounted (no disk)', mounts: 'run /run tmpfs rw 0 0\n', dataMount: '/data', root: volatileStateRoot },
  { name: 'only a folder below /data is mounted', mounts: '/dev/vda3 /data/x ext4 rw 0 0\n', dataMount: '/data', root: volatileStateRoot },
];

for (const { name, mounts: table, dataMount, root } of rootCases) {
  test(`state root: ${name}`, (t) => {
    t.is(stateRoot(table, dataMount), root);
  });
}

test('state root: a mount point with a space is read from its \\040 escape', (t) => {
  t.true(isMountPoint('/dev/sda1 /mnt/my\\040disk vfat rw 0 0\n', '/mnt/my disk'));
});

test('state locations: the marker lies outside the folder that is mounted over the path', (t) => {
  t.deepEqual(stateLocations('/data/state', '/etc/ssh'), { folder: '/data/state/etc/ssh', marker: '/data/state/.ready/etc/ssh' });
});

/** A device: the state root's files survive in `sys`; `generate` writes a host key into the state folder, as ssh-keygen -A does through the bind mount. */
function device(generateExit = 0) {
  const sys = new FakeSys();
  const commands: string[][] = [];
  const run: RunCommand = (argv) => {
    commands.push(argv);
    if (argv[1] === 'cp') sys.files.writeText('/data/state/etc/ssh/sshd_config', 'Port 22\n');
    else if (generateExit === 0) sys.files.writeText('/data/state/etc/ssh/ssh_host_ed25519_key', 'KEY');
    return argv[1] === 'cp' ? 0 : generateExit;
  };
  const lines: string[] = [];
  const log = { info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`) };
  const entries = [{ path: '/etc/ssh', generate: ['/bin/sh', '-c', 'ssh-keygen -A'] }];
  return { sys, commands, run, lines, log, boot: () => setUpState(sys, entries, '/data/state', run, log) };
}

test('state setup: the first boot copies the image content, mounts, generates, then marks it done durably', (t) => {
  const d = device();
  d.boot();
  t.deepEqual(d.commands, [['/bin/busybox', 'cp', '-a', '/etc/ssh/.', '/data/state/etc/ssh/'], ['/bin/sh', '-c', 'ssh-keygen -A']]);
  t.deepEqual(d.sys.kernel, ['mount /data/state/etc/ssh /etc/ssh  bind'], 'generate ran with the state folder already over /etc/ssh');
  const survived = d.sys.files.crashImage();
  t.is(new TextDecoder().decode(survived.get('/data/state/.ready/etc/ssh')), '/etc/ssh\n', 'the marker is on the disk');
  t.true(survived.has('/data/state/etc/ssh/ssh_host_ed25519_key'), 'the generated key was synced');
  t.deepEqual(d.lines, ['info state /etc/ssh: generated in /data/state/etc/ssh and mounted']);
});

test('state setup: a later boot only mounts: nothing is copied or generated again', (t) => {
  const d = device();
  d.boot();
  d.commands.length = 0;
  d.sys.kernel.length = 0;
  d.lines.length = 0;
  d.boot();
  t.deepEqual(d.commands, []);
  t.deepEqual(d.sys.kernel, ['mount /data/state/etc/ssh /etc/ssh  bind']);
  t.deepEqual(d.lines, ['info state /etc/ssh: /data/state/etc/ssh mounted']);
});

test('state setup: a failed generate is logged, leaves no marker, and runs again at the next boot', (t) => {
  const d = device(1);
  d.boot();
  t.false(d.sys.exists('/data/state/.ready/etc/ssh'));
  t.deepEqual(d.sys.kernel, ['mount /data/state/etc/ssh /etc/ssh  bind'], 'the folder is still mounted, writable');
  t.deepEqual(d.lines, ['warn state /etc/ssh: generate "/bin/sh -c ssh-keygen -A" failed (exit 1); it runs again at the next boot']);
  d.commands.length = 0;
  d.boot();
  t.deepEqual(d.commands.map((argv) => argv[1]), ['cp', '-c'], 'copied and generated again');
});

test('state setup: a failed copy keeps the read-only image folder and does not stop the next entry', (t) => {
  const sys = new FakeSys();
  const lines: string[] = [];
  const run: RunCommand = (argv) => (argv[3] === '/etc/ssh/.' ? 1 : 0);
  setUpState(sys, [{ path: '/etc/ssh' }, { path: '/etc/tls' }], '/run/imago/state', run, { info: (m) => lines.push(m), warn: (m) => lines.push(`warn ${m}`) });
  t.deepEqual(sys.kernel, ['mount /run/imago/state/etc/tls /etc/tls  bind']);
  t.deepEqual(lines, [
    "warn state /etc/ssh: unable to copy the image's /etc/ssh into /run/imago/state/etc/ssh (cp exit 1); it stays read-only from the image",
    'state /etc/tls: created in /run/imago/state/etc/tls and mounted',
  ]);
});
