/**
 * What planTree puts into an image that secrets pass through: the init's
 * configuration (every service's environment) and the environments of
 * containers, both readable by root alone.
 */
import test from 'ava';
import { configPath } from '../../../contract/index.ts';
import { parseSpec } from '../spec/parse.ts';
import { renderProblem } from '../spec/problem.ts';
import type { Spec } from '../spec/schema.ts';
import type { FileEntry } from '../tree/tree.ts';
import type { PreparedImage } from '../containers/image-containers.ts';
import { planTree } from './plan-tree.ts';

/** A stand-in BusyBox: a regular file naming three applets, as the applet scan expects. */
const busybox: FileEntry = { path: 'bin/busybox', kind: 'file', mode: 0o755, uid: 0, gid: 0, data: new TextEncoder().encode('\0[\0[[\0ash\0sh\0\0') };

function plan(text: string, preparedContainers: PreparedImage[] = []) {
  const { spec, problems } = parseSpec(`version: 1\nname: secrets\n${text}`, 'secrets.yml');
  if (!spec) throw new Error(problems.map(renderProblem).join('\n'));
  const { tree } = planTree(spec as Spec, { packageEntries: [busybox], init: new Uint8Array([0x7f]), modules: [], sources: new Map(), preparedContainers });
  return tree;
}

const text = (entry: FileEntry) => new TextDecoder().decode(entry.data);

test('init.json, which holds every service environment, is readable by root alone', (t) => {
  const tree = plan('services:\n  - { name: app, command: /app, env: { API_TOKEN: s3cret } }\n');
  const config = tree.get(configPath) as FileEntry;
  t.true(text(config).includes('API_TOKEN=s3cret'), 'the environment is in init.json');
  t.is(config.mode.toString(8), '600');
  t.like(config, { uid: 0, gid: 0 });
});

test("an imported container's environment is in a root-only file, not on ctr's command line", (t) => {
  const tree = plan(`containers:
  - { name: box, archive: box.tar }
services:
  - { name: boxed, image: box, env: { API_TOKEN: s3cret, MODE: fast } }
  - { name: plain, image: box }
`);
  const config = JSON.parse(text(tree.get(configPath) as FileEntry));
  const boxed = config.services.find((s: { name: string }) => s.name === 'boxed');
  t.false(JSON.stringify(boxed.command).includes('s3cret'), 'no value on the command line, which /proc shows to anyone');
  t.false(JSON.stringify(boxed.env).includes('s3cret'), 'nor in the environment of ctr');
  const flag = boxed.command.indexOf('--env-file');
  t.true(flag > 0, 'ctr run reads the environment from a file');
  const file = tree.get(boxed.command[flag + 1]) as FileEntry;
  t.is(file.kind, 'file');
  t.is(file.mode.toString(8), '600');
  t.like(file, { uid: 0, gid: 0 });
  t.is(text(file), 'API_TOKEN=s3cret\nMODE=fast\n');
  const plain = config.services.find((s: { name: string }) => s.name === 'plain');
  t.false(plain.command.includes('--env-file'), 'a container without env gets no file');
});

test("a prepared container's environment is in its root-only runtime spec, with its root filesystem in the image", (t) => {
  const box: PreparedImage = {
    name: 'box',
    ref: 'imago/box:latest',
    manifestDigest: 'sha256:aa',
    path: '/usr/lib/imago/containers/box',
    entries: [{ path: 'bin/busybox', kind: 'file', mode: 0o755, uid: 0, gid: 0, data: new Uint8Array([1]) }],
    run: { Entrypoint: ['/bin/busybox'], Env: ['PATH=/bin'] },
  };
  const tree = plan(`containers:
  - { name: box, packages: [busybox-static], entrypoint: [/bin/busybox] }
services:
  - { name: boxed, image: box, env: { API_TOKEN: s3cret } }
`, [box]);
  const config = JSON.parse(text(tree.get(configPath) as FileEntry));
  const boxed = config.services.find((s: { name: string }) => s.name === 'boxed');
  t.false(JSON.stringify(boxed.command).includes('s3cret'), 'no value on the command line, which /proc shows to anyone');
  t.deepEqual(boxed.command.slice(4), ['/usr/lib/imago/containers/box', '--config', '/etc/imago/containers/boxed.json', 'boxed']);
  const file = tree.get('/etc/imago/containers/boxed.json') as FileEntry;
  t.is(file.mode.toString(8), '600');
  t.deepEqual(JSON.parse(text(file)).process.env, ['PATH=/bin', 'API_TOKEN=s3cret']);
  t.like(tree.get('/usr/lib/imago/containers/box/bin/busybox'), { kind: 'file', mode: 0o755 });
  t.false(tree.has('/usr/libexec/imago/import-containers'), 'nothing to import, so no import script');
});
