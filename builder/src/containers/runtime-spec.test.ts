import test from 'ava';
import { containerRuntimeSpec, mergeEnv } from './runtime-spec.ts';

const image = {
  rootfs: '/run/imago-containers/broker/root',
  run: { User: '101:102', Env: ['PATH=/usr/bin:/bin', 'MODE=image'], Entrypoint: ['/usr/sbin/mosquitto'], Cmd: ['-c', '/etc/mosquitto/mosquitto.conf'], WorkingDir: '/var/lib/mosquitto' },
};

// Typed loosely: the spec is JSON for runc, read back here field by field.
type Json = Record<string, any>;

test('the image config is honoured: user, environment, working directory, entrypoint then cmd', (t) => {
  const spec = containerRuntimeSpec({ name: 'broker', image: 'mosquitto' }, image) as Json;
  t.deepEqual(spec.process.user, { uid: 101, gid: 102 });
  t.deepEqual(spec.process.env, ['PATH=/usr/bin:/bin', 'MODE=image']);
  t.is(spec.process.cwd, '/var/lib/mosquitto');
  t.deepEqual(spec.process.args, ['/usr/sbin/mosquitto', '-c', '/etc/mosquitto/mosquitto.conf']);
  t.deepEqual(spec.root, { path: '/run/imago-containers/broker/root', readonly: false });
  t.is(spec.linux.cgroupsPath, '/imago/broker', 'the cgroup ctr would give it, where the probes look');
});

test('the service\'s command replaces entrypoint and cmd, its env adds to and overrides the image\'s, its workdir wins', (t) => {
  const spec = containerRuntimeSpec({ name: 'broker', image: 'mosquitto', command: ['/bin/sh', '-c', 'echo hi'], env: { MODE: 'service', EXTRA: '1' }, workdir: '/srv' }, image) as Json;
  t.deepEqual(spec.process.args, ['/bin/sh', '-c', 'echo hi']);
  t.deepEqual(spec.process.env, ['PATH=/usr/bin:/bin', 'MODE=service', 'EXTRA=1']);
  t.is(spec.process.cwd, '/srv');
});

test('an image without a user runs as root', (t) => {
  const spec = containerRuntimeSpec({ name: 'a', image: 'a' }, { rootfs: '/r', run: { Entrypoint: ['/x'] } }) as Json;
  t.deepEqual(spec.process.user, { uid: 0, gid: 0 });
  t.is(spec.process.cwd, '/');
});

const networks: [string, string | undefined, boolean, boolean][] = [
  ['host (the default)', undefined, false, true],
  ['host', 'host', false, true],
  ['private', 'private', true, false],
  ['none', 'none', true, false],
];
for (const [title, network, ownNamespace, hostFiles] of networks) {
  test(`network ${title}: ${ownNamespace ? 'a network namespace of its own' : 'the device\'s network'}${hostFiles ? ', with its /etc/hosts and /etc/resolv.conf' : ''}`, (t) => {
    const spec = containerRuntimeSpec({ name: 'a', image: 'a', ...(network ? { network: network as 'host' } : {}) }, image) as Json;
    const types = spec.linux.namespaces.map((ns: { type: string }) => ns.type);
    t.is(types.includes('network'), ownNamespace);
    t.deepEqual(types.filter((type: string) => type !== 'network'), ['pid', 'ipc', 'uts', 'mount']);
    const binds = spec.mounts.filter((m: { type: string }) => m.type === 'bind').map((m: { destination: string }) => m.destination);
    t.deepEqual(binds, hostFiles ? ['/etc/hosts', '/etc/resolv.conf'] : []);
  });
}

test('limits and mounts: memory, CPU as ctr --cpus sets it, pids (which ctr has no flag for), read-only and writable binds', (t) => {
  const spec = containerRuntimeSpec(
    { name: 'a', image: 'a', network: 'none', limits: { memory: 64 * 2 ** 20, cpu: 0.5, pids: 64 }, mounts: [{ source: '/var/lib/a', target: '/data' }, { source: '/etc/a', target: '/etc/a', readonly: true }] },
    image,
  ) as Json;
  t.deepEqual(spec.linux.resources.memory, { limit: 67108864 });
  t.deepEqual(spec.linux.resources.cpu, { quota: 50000, period: 100000 });
  t.deepEqual(spec.linux.resources.pids, { limit: 64 });
  t.deepEqual(spec.mounts.slice(-2), [
    { destination: '/data', type: 'bind', source: '/var/lib/a', options: ['rbind', 'rw'] },
    { destination: '/etc/a', type: 'bind', source: '/etc/a', options: ['rbind', 'ro'] },
  ]);
});

test('confinement as ctr run gives it: no new privileges, Docker\'s capabilities, devices denied but the usual ones, /proc masked', (t) => {
  const spec = containerRuntimeSpec({ name: 'a', image: 'a' }, image) as Json;
  t.true(spec.process.noNewPrivileges);
  t.false(spec.process.capabilities.bounding.includes('CAP_SYS_ADMIN'));
  t.true(spec.process.capabilities.bounding.includes('CAP_NET_BIND_SERVICE'));
  t.deepEqual(spec.linux.resources.devices[0], { allow: false, access: 'rwm' });
  t.true(spec.linux.resources.devices.some((d: Json) => d.allow && d.major === 1 && d.minor === 3), '/dev/null');
  t.true(spec.linux.maskedPaths.includes('/proc/kcore'));
  t.deepEqual(spec.mounts.map((m: Json) => m.destination).slice(0, 7), ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/run']);
});

test('nothing to run, or a user that is not numeric, is an error naming the service or the user', (t) => {
  t.throws(() => containerRuntimeSpec({ name: 'empty', image: 'a' }, { rootfs: '/r', run: {} }), { message: /^service empty: the image has no entrypoint or cmd, and the service no command/ });
  t.throws(() => containerRuntimeSpec({ name: 'a', image: 'a' }, { rootfs: '/r', run: { User: 'mosquitto', Entrypoint: ['/x'] } }), { message: /image user "mosquitto" is not numeric uid:gid/ });
});

test('mergeEnv replaces a key in place and appends new ones', (t) => {
  t.deepEqual(mergeEnv(['A=1', 'B=2'], { B: '3', C: '4' }), ['A=1', 'B=3', 'C=4']);
});
