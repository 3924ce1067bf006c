import test from 'ava';
import type { ServiceSpec, Spec } from '../spec/schema.ts';
import { containerEnvFiles, ctrRunArgs, expandContainerServices } from './expand-services.ts';

/** A spec whose one image comes from an archive, so it is imported at boot. */
const spec = (services: ServiceSpec[]): Spec => ({ version: 1, name: 'edge', containers: [{ name: 'mosquitto', archive: 'mosquitto.tar' }], services });
/** A spec whose one image is built from packages, so it is run as the build prepared it. */
const builtSpec = (services: ServiceSpec[]): Spec => ({ version: 1, name: 'edge', containers: [{ name: 'mosquitto', packages: ['mosquitto'] }], services });

test('a container service of an imported image runs ctr run --rm through the helper, after the import', (t) => {
  const expanded = expandContainerServices(spec([{ name: 'broker', image: 'mosquitto', depends_on: [{ name: 'db', condition: 'healthy' }] }]));
  t.deepEqual(expanded.services!.map((s) => s.name), ['containerd', 'containers-import', 'broker']);
  const broker = expanded.services![2]!;
  t.deepEqual(broker.command, ['/usr/libexec/imago/run-container', 'imago', 'broker', 'max', '-', '--net-host', 'imago/mosquitto:latest', 'broker']);
  t.deepEqual(broker.depends_on, [{ name: 'containers-import', condition: 'ready' }, { name: 'db', condition: 'healthy' }]);
  t.is(broker.image, undefined, 'the expanded service is an ordinary one');
});

test('containerd is ready when its socket answers; the import is a oneshot after it', (t) => {
  const [containerd, importer] = expandContainerServices(spec([])).services!;
  t.deepEqual(containerd!.ready, { unix: '/run/containerd/containerd.sock', interval: 100, timeout: 10_000 }, 'ready when its API socket accepts a connection');
  t.like(importer, { type: 'oneshot', restart: 'on-failure', depends_on: [{ name: 'containerd', condition: 'ready' }] });
});

test('env (as a file), workdir, mounts, limits, network and the command override become ctr flags', (t) => {
  const args = ctrRunArgs({
    name: 'app',
    image: 'mosquitto',
    network: 'none',
    env: { A: '1' },
    workdir: '/srv',
    mounts: [{ source: '/var/lib/app', target: '/data' }, { source: '/etc/app', target: '/etc/app', readonly: true }],
    limits: { memory: 64 * 2 ** 20, cpu: 0.5, pids: 10 },
    command: ['/bin/sh', '-c', 'echo hi'],
  });
  t.deepEqual(args, [
    '--env-file', '/etc/imago/containers/app.env',
    '--cwd', '/srv',
    '--mount', 'type=bind,src=/var/lib/app,dst=/data,options=rbind:rw',
    '--mount', 'type=bind,src=/etc/app,dst=/etc/app,options=rbind:ro',
    '--memory-limit', '67108864',
    '--cpus', '0.5',
    'imago/mosquitto:latest', 'app', '/bin/sh', '-c', 'echo hi',
  ]);
});

test('every limit goes to the container, none to the supervised ctr', (t) => {
  const [, , app] = expandContainerServices(spec([{ name: 'app', image: 'mosquitto', limits: { memory: 1024, pids: 5 } }])).services!;
  t.is(app!.limits, undefined);
  t.deepEqual(app!.command!.slice(0, 7), ['/usr/libexec/imago/run-container', 'imago', 'app', '5', '-', '--net-host', '--memory-limit']);
});

test('a spec without containers is unchanged', (t) => {
  const plain: Spec = { version: 1, name: 'x', services: [{ name: 'a', command: ['/bin/true'] }] };
  t.is(expandContainerServices(plain), plain);
});

test('a private-network container joins the CNI network instead of the host\'s', (t) => {
  t.deepEqual(ctrRunArgs({ name: 'app', image: 'mosquitto', network: 'private' }), ['--cni', 'imago/mosquitto:latest', 'app']);
});

test('with a data partition containerd starts through the helper that puts its root there', (t) => {
  const [containerd] = expandContainerServices({ ...spec([]), update: { keys: ['k.pub'] } }).services!;
  t.deepEqual(containerd!.command, ['/usr/libexec/imago/start-containerd']);
});

test('container services get time to stop and clean up unless they say otherwise', (t) => {
  const [, , a, b] = expandContainerServices(spec([{ name: 'a', image: 'mosquitto' }, { name: 'b', image: 'mosquitto', stop_timeout: 5000 }])).services!;
  t.is(a!.stop_timeout, 60_000);
  t.is(b!.stop_timeout, 5000);
});

test('an image built from packages is run from its prepared root with no import task', (t) => {
  const expanded = expandContainerServices(builtSpec([{ name: 'broker', image: 'mosquitto', limits: { pids: 64 } }, { name: 'pub', image: 'mosquitto', network: 'private' }]));
  t.deepEqual(expanded.services!.map((s) => s.name), ['containerd', 'broker', 'pub'], 'no containers-import oneshot');
  const [, broker, pub] = expanded.services!;
  t.deepEqual(broker!.command, ['/usr/libexec/imago/run-container', 'imago', 'broker', 'max', '/usr/lib/imago/containers/mosquitto', '--config', '/etc/imago/containers/broker.json', 'broker']);
  t.deepEqual(pub!.command!.slice(5), ['--config', '/etc/imago/containers/pub.json', '--cni', 'pub']);
  t.deepEqual(broker!.depends_on, [{ name: 'containerd', condition: 'ready' }]);
});

test('a prepared image\'s service gets a runtime spec file, an imported one\'s an env file', (t) => {
  const both: Spec = {
    version: 1,
    name: 'edge',
    containers: [{ name: 'built', packages: ['mosquitto'] }, { name: 'pulled', archive: 'a.tar' }],
    services: [{ name: 'a', image: 'built', env: { K: 'v' } }, { name: 'b', image: 'pulled', env: { K: 'v' } }],
  };
  const expanded = expandContainerServices(both);
  t.deepEqual(expanded.services!.map((s) => s.name), ['containerd', 'containers-import', 'a', 'b']);
  const files = containerEnvFiles(both, [{ name: 'built', ref: 'imago/built:latest', manifestDigest: 'sha256:aa', path: '/usr/lib/imago/containers/built', entries: [], run: { Entrypoint: ['/usr/sbin/mosquitto'], Env: ['PATH=/bin'] } }]);
  t.deepEqual(files.map((f) => f.path), ['/etc/imago/containers/a.json', '/etc/imago/containers/b.env']);
  const runtime = JSON.parse(files[0]!.text);
  t.deepEqual(runtime.process.env, ['PATH=/bin', 'K=v']);
  t.is(runtime.root.path, '/run/imago-containers/a/root');
});
