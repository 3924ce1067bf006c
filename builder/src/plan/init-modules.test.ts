/**
 * Which kernel modules init.json has the init load, and when: the boot
 * modules before any service, a private network's before the first start of
 * each service that runs a container on it, and every module file in the image.
 */
import test from 'ava';
import { configPath, type InitConfig } from '../../../contract/index.ts';
import { parseSpec } from '../spec/parse.ts';
import { renderProblem } from '../spec/problem.ts';
import type { FileEntry } from '../tree/tree.ts';
import { planTree, type ModuleFile } from './plan-tree.ts';

/** A stand-in BusyBox: a regular file naming three applets, as the applet scan expects. */
const busybox: FileEntry = { path: 'bin/busybox', kind: 'file', mode: 0o755, uid: 0, gid: 0, data: new TextEncoder().encode('\0[\0[[\0ash\0sh\0\0') };

const moduleFile = (name: string): ModuleFile => ({ name, path: `lib/modules/6.1.0-test/kernel/${name}.ko`, data: new Uint8Array([1]) });
const boot = ['virtio', 'virtio_net', 'overlay'].map(moduleFile);
const privateNetwork = ['llc', 'stp', 'bridge', 'nf_tables'].map(moduleFile);
const asConfig = (modules: ModuleFile[]) => modules.map((module) => ({ name: module.name, path: `/${module.path}` }));

const edgeLike = `containers:
  - { name: box, archive: box.tar }
services:
  - { name: app, command: /app }
  - { name: broker, image: box, network: host, health: { tcp: 1883 } }
  - { name: publisher, image: box, network: private, depends_on: { broker: healthy } }
  - { name: other, image: box, network: private }
`;

function plan(services: string, inputs: { privateNetworkModules?: ModuleFile[] }) {
  const { spec, problems } = parseSpec(`version: 1\nname: modules\n${services}`, 'modules.yml');
  if (!spec) throw new Error(problems.map(renderProblem).join('\n'));
  const { tree } = planTree(spec, { packageEntries: [busybox], init: new Uint8Array([0x7f]), modules: boot, sources: new Map(), ...inputs });
  const config = JSON.parse(new TextDecoder().decode((tree.get(configPath) as FileEntry).data)) as InitConfig;
  return { tree, config, modulesOf: (name: string) => config.services.find((service) => service.name === name)!.modules };
}

test('the boot loads the boot modules only; each private-network container service loads the rest before its first start', (t) => {
  const { config, modulesOf } = plan(edgeLike, { privateNetworkModules: privateNetwork });
  t.deepEqual(config.modules, asConfig(boot));
  t.deepEqual(modulesOf('publisher'), asConfig(privateNetwork));
  t.deepEqual(modulesOf('other'), asConfig(privateNetwork));
  for (const name of ['app', 'broker', 'containerd', 'containers-import']) t.is(modulesOf(name), undefined, `${name} loads nothing of its own`);
});

test('every module file is in the image, whenever it is loaded', (t) => {
  const { tree } = plan(edgeLike, { privateNetworkModules: privateNetwork });
  for (const module of [...boot, ...privateNetwork]) t.like(tree.get(module.path), { kind: 'file', mode: 0o644 }, module.name);
});

test('without private-network modules (a kernel built from source) no service has modules, and the JSON has no key for them', (t) => {
  const { config } = plan(edgeLike, {});
  t.deepEqual(config.modules, asConfig(boot));
  t.true(config.services.every((service) => !('modules' in service)));
});

test('a spec whose containers are all on the host network gives no service modules', (t) => {
  const { config } = plan(`containers:
  - { name: box, archive: box.tar }
services:
  - { name: broker, image: box, network: host }
  - { name: quiet, image: box, network: none }
`, { privateNetworkModules: [] });
  t.true(config.services.every((service) => !('modules' in service)));
});
