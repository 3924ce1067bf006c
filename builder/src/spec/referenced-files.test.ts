/**
 * Checks that need the spec's folder but no download: each row is a spec that
 * `imago validate` accepted while the build refused it later (unknown users
 * and groups, missing container archives and sources). Rows run through
 * loadSpec, what both `validate` and `build` use; the last tests run the CLI
 * and check both commands exit 2 with the located problem.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec } from './load.ts';

/** Writes `files` and `spec.yml` (after `version: 1` and `name: t`) into a fresh folder. */
async function specDir(yaml: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imago-refs-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await writeFile(join(dir, 'spec.yml'), `version: 1\nname: t\n${yaml}\n`);
  return dir;
}

interface Case {
  name: string;
  yaml: string;
  files?: Record<string, string>;
  path: string;
  message: string;
}

const invalidCases: Case[] = [
  { name: 'an unknown service user', yaml: 'services: [{ name: a, command: /a, user: app }]', path: 'services[0].user', message: `unknown user "app": not in the image's /etc/passwd (known: root, daemon, bin,` },
  { name: 'an unknown service group', yaml: 'services: [{ name: a, command: /a, user: nobody, group: wheel }]', path: 'services[0].group', message: 'unknown group "wheel"' },
  { name: 'an unknown user with a known group', yaml: 'services: [{ name: a, command: /a, user: app, group: daemon }]', path: 'services[0].user', message: 'unknown user "app"' },
  { name: 'an unknown onboot user', yaml: 'onboot: [{ name: a, command: /a, user: "app:daemon" }]', path: 'onboot[0].user', message: 'unknown user "app"' },
  { name: 'an unknown file owner', yaml: 'files: [{ path: /etc/a, contents: x, owner: "root:wheel" }]', path: 'files[0].owner', message: 'unknown group "wheel"' },
  { name: 'a user declared twice in users:', yaml: 'users: [{ name: app }, { name: app }]', path: 'users[1].name', message: 'duplicate user "app", already declared by users[0]' },
  { name: 'a group declared twice in groups:', yaml: 'groups: [{ name: gpio }, { name: gpio }]', path: 'groups[1].name', message: 'duplicate group "gpio", already declared by groups[0]' },
  { name: 'a users: entry named like a base account', yaml: 'users: [{ name: www-data }]', path: 'users[0].name', message: '"www-data" is a base account (from base-passwd)' },
  { name: 'a groups: entry named like a base group', yaml: 'groups: [{ name: dialout }]', path: 'groups[0].name', message: '"dialout" is a base group (from base-passwd)' },
  { name: "a users: uid a base account has", yaml: 'users: [{ name: app, uid: 33 }]', path: 'users[0]', message: 'user "app" wants uid 33, already taken by user "www-data"' },
  { name: 'a users: name that is not an account name', yaml: 'users: [{ name: App }]', path: 'users[0].name', message: 'expected an account name of lowercase letters' },
  { name: 'a user of a package the spec does not list', yaml: 'services: [{ name: a, command: /a, user: mosquitto }]', path: 'services[0].user', message: 'unknown user "mosquitto"' },
  {
    name: "a user the spec's own /etc/passwd leaves out",
    yaml: 'files: [{ path: /etc/passwd, contents: "root:x:0:0::/root:/bin/sh\\n" }]\nservices: [{ name: a, command: /a, user: nobody }]',
    path: 'services[0].user',
    message: 'unknown user "nobody"',
  },
  { name: 'an unknown user granted control', yaml: 'control: { read: { users: [nobody, operator] } }', path: 'control.read.users[1]', message: 'unknown user "operator"' },
  { name: 'an unknown group granted control', yaml: 'control: { admin: { groups: [wheel] } }', path: 'control.admin.groups[0]', message: 'unknown group "wheel"' },
  { name: 'a missing container archive', yaml: 'containers: [{ name: app, archive: app.tar }]', path: 'containers[0].archive', message: 'container archive "app.tar" not found (relative to ' },
  { name: "a missing source of a container's file", yaml: 'containers: [{ name: app, packages: [busybox-static], files: [{ path: /etc/a, source: a.conf }] }]', path: 'containers[0].files[0].source', message: 'file "a.conf" not found' },
];

for (const { name, yaml, files, path, message } of invalidCases) {
  test(`validate refuses ${name}`, async (t) => {
    const { spec, problems } = await loadSpec(join(await specDir(yaml, files), 'spec.yml'));
    t.is(spec, undefined);
    const rendered = problems.map((p) => `${p.path}: ${p.message}`);
    t.true(
      problems.some((p) => p.path === path && p.message.includes(message) && p.line > 0),
      `expected ${path}: ...${message}... at a line\ngot:\n${rendered.join('\n')}`,
    );
  });
}

const validCases: Case[] = [
  { name: 'users every image has', yaml: 'services: [{ name: a, command: /a, user: "daemon:nogroup" }, { name: b, command: /b, user: "4242:4242" }]', path: '', message: '' },
  { name: 'base-passwd accounts beyond root, daemon and nobody', yaml: 'services: [{ name: a, command: /a, user: "www-data:dialout" }]', path: '', message: '' },
  { name: 'a user and group from users: and groups:', yaml: 'users: [{ name: app, groups: [gpio] }]\ngroups: [{ name: gpio, gid: 997 }]\nservices: [{ name: a, command: /a, user: "app:gpio" }]', path: '', message: '' },
  { name: "a user a listed package's table row declares", yaml: 'packages: [mosquitto]\nservices: [{ name: a, command: /usr/sbin/mosquitto, user: mosquitto }]', path: '', message: '' },
  { name: 'a user of a package that depends on the one whose row declares it', yaml: 'packages: [dnsmasq]\nservices: [{ name: a, command: /usr/sbin/dnsmasq, user: dnsmasq }]', path: '', message: '' },
  {
    name: "a user from the spec's own /etc/passwd and /etc/group, given as source files",
    yaml: 'files: [{ path: /etc/passwd, source: passwd }, { path: //etc/./group, source: group }]\nservices: [{ name: a, command: /a, user: "app:app" }]',
    files: { passwd: 'root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n', group: 'root:x:0:\napp:x:1000:\n' },
    path: '',
    message: '',
  },
  { name: 'a container archive that is there', yaml: 'containers: [{ name: app, archive: app.tar }]', files: { 'app.tar': '' }, path: '', message: '' },
];

for (const { name, yaml, files } of validCases) {
  test(`validate accepts ${name}`, async (t) => {
    const { problems } = await loadSpec(join(await specDir(yaml, files), 'spec.yml'));
    t.deepEqual(problems.map((p) => `${p.path}: ${p.message}`), []);
  });
}

function imago(...args: string[]) {
  const result = spawnSync('bin/imago', args, { encoding: 'utf8' });
  return { code: result.status, stderr: result.stderr };
}

for (const command of ['validate', 'build'] as const) {
  test(`${command} exits 2 naming an unknown user and a missing archive, and writes nothing`, async (t) => {
    const dir = await specDir('containers: [{ name: app, archive: app.tar }]\nservices:\n  - name: a\n    command: /a\n    user: app');
    const spec = join(dir, 'spec.yml');
    const result = command === 'build' ? imago('build', spec, '-o', join(dir, 'out')) : imago('validate', spec);
    t.is(result.code, 2, result.stderr);
    t.regex(result.stderr, new RegExp(`${spec}:3:36: containers\\[0\\]\\.archive: container archive "app\\.tar" not found`));
    t.regex(result.stderr, new RegExp(`${spec}:7:11: services\\[0\\]\\.user: unknown user "app"`));
    t.deepEqual(await readdir(dir), ['spec.yml'], 'nothing was written');
  });
}

test("validate warns, without refusing, of a user only a listed package's sysusers.d file could declare", async (t) => {
  const { spec, problems, warnings } = await loadSpec(join(await specDir('packages: [dbus]\nservices: [{ name: a, command: /usr/bin/dbus-daemon, user: messagebus }]'), 'spec.yml'));
  t.deepEqual(problems, []);
  t.truthy(spec);
  t.deepEqual(
    warnings.map((w) => `${w.path}: ${w.message}`),
    [`services[0].user: unknown user "messagebus": not in the image's /etc/passwd; a listed package's sysusers.d file may declare it (the build checks), otherwise add it under users: or groups:`],
  );
  t.true(warnings[0]!.line > 0);
});

test("a build reports a user that neither the packages nor the spec declare at its place", async (t) => {
  const { planTree } = await import('../plan/plan-tree.ts');
  const { spec } = await loadSpec(join(await specDir('packages: [dbus]\nservices: [{ name: a, command: /a, user: messagebus }]'), 'spec.yml'));
  const busybox = { path: 'bin/busybox', kind: 'file' as const, mode: 0o755, uid: 0, gid: 0, data: new TextEncoder().encode('\0[\0[[\0ash\0sh\0\0') };
  const { problems } = planTree(spec!, { packageEntries: [busybox], init: new Uint8Array(), modules: [], sources: new Map() });
  t.deepEqual(problems.map((p) => p.path), [['services', 0, 'user']]);
});
