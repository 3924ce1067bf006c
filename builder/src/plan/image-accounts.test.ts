import test from 'ava';
import { parseSpec } from '../spec/parse.ts';
import { renderProblem } from '../spec/problem.ts';
import type { Spec } from '../spec/schema.ts';
import type { Entry, FileEntry } from '../tree/tree.ts';
import { builtinMasterFiles, type MasterFiles } from './base-accounts.ts';
import { planTree, type PlanInputs } from './plan-tree.ts';

const busybox: FileEntry = { path: 'bin/busybox', kind: 'file', mode: 0o755, uid: 0, gid: 0, data: new TextEncoder().encode('\0[\0[[\0ash\0sh\0\0') };
const file = (path: string, text: string): FileEntry => ({ path, kind: 'file', mode: 0o644, uid: 0, gid: 0, data: new TextEncoder().encode(text) });

function plan(specText: string, inputs: Partial<PlanInputs> & { extra?: Entry[] } = {}) {
  const { spec, problems } = parseSpec(`version: 1\nname: accounts\n${specText}`, 'accounts.yml');
  if (!spec) throw new Error(problems.map(renderProblem).join('\n'));
  const planned = planTree(spec as Spec, { init: new Uint8Array([0x7f]), modules: [], sources: new Map(), ...inputs, packageEntries: [busybox, ...(inputs.extra ?? [])] });
  const text = (path: string) => new TextDecoder().decode((planned.tree.get(path) as FileEntry).data);
  return { ...planned, passwd: text('/etc/passwd'), group: text('/etc/group'), shadow: text('/etc/shadow'), config: text('/etc/imago/init.json') };
}

test("an image has base-passwd's accounts, root with BusyBox's shell, every account locked in /etc/shadow", (t) => {
  const { passwd, group, shadow } = plan('');
  t.regex(passwd, /^root:x:0:0:root:\/root:\/bin\/sh$/m);
  t.regex(passwd, /^www-data:x:33:33:www-data:\/var\/www:\/usr\/sbin\/nologin$/m);
  t.regex(group, /^dialout:x:20:$/m);
  t.is(shadow.split('\n').filter(Boolean).length, passwd.split('\n').filter(Boolean).length);
  t.true(shadow.split('\n').filter(Boolean).every((line) => line.split(':')[1] === '*'));
});

test("the base accounts come from the base-passwd .deb's master files when the build has them", (t) => {
  const master: MasterFiles = { passwd: `${builtinMasterFiles.passwd}newuser:*:60:60::/nonexistent:/usr/sbin/nologin\n`, group: `${builtinMasterFiles.group}newuser:*:60:\n` };
  t.regex(plan('', { master }).passwd, /^newuser:x:60:60:/m);
});

test("an image gets the users of its packages' rows in the package-users table, dependencies included", (t) => {
  const { passwd } = plan('packages: [openssh-server]', { packageNames: ['openssh-server', 'openssh-client', 'libc6'] });
  t.regex(passwd, /^sshd:x:100:65534::\/run\/sshd:\/usr\/sbin\/nologin$/m);
});

test("an image gets the users its packages' sysusers.d files declare, /etc/sysusers.d overriding /usr/lib's", (t) => {
  const { passwd } = plan('', {
    extra: [file('usr/lib/sysusers.d/dbus.conf', 'u messagebus - "System Message Bus"\n'), file('usr/lib/sysusers.d/over.conf', 'u lost -\n'), file('etc/sysusers.d/over.conf', 'u kept -\n')],
  });
  t.regex(passwd, /^messagebus:x:\d{3}:\d{3}:System Message Bus:\/nonexistent:\/usr\/sbin\/nologin$/m);
  t.regex(passwd, /^kept:/m);
  t.notRegex(passwd, /^lost:/m);
});

test("the spec's users: and groups: are added, and a service runs with their ids", (t) => {
  const { passwd, group, config } = plan(
    'users: [{ name: app, uid: 500, home: /var/lib/app, groups: [gpio, dialout] }, { name: human, system: false, shell: /bin/sh }]\n' +
      'groups: [{ name: gpio, gid: 997 }]\nservices: [{ name: a, command: /a, user: app }]',
  );
  t.regex(passwd, /^app:x:500:500::\/var\/lib\/app:\/usr\/sbin\/nologin$/m);
  t.regex(passwd, /^human:x:1000:1000::\/nonexistent:\/bin\/sh$/m);
  t.regex(group, /^gpio:x:997:app$/m);
  t.regex(group, /^dialout:x:20:app$/m);
  t.true(config.includes('"uid": 500'));
});

test('ids do not change when the unpacked packages come in another order', (t) => {
  const a = file('usr/lib/sysusers.d/a.conf', 'u zed -\n');
  const b = file('usr/lib/sysusers.d/b.conf', 'u abe -\n');
  const names = ['mosquitto', 'chrony'];
  t.is(plan('', { extra: [a, b], packageNames: names }).passwd, plan('', { extra: [b, a], packageNames: [...names].reverse() }).passwd);
});

test("a users: entry wins over a package's user of the same name", (t) => {
  const { passwd, problems } = plan('users: [{ name: mosquitto, home: /srv/mqtt, shell: /bin/sh }]', { packageNames: ['mosquitto'] });
  t.deepEqual(problems, []);
  t.regex(passwd, /^mosquitto:x:\d+:\d+::\/srv\/mqtt:\/bin\/sh$/m);
});
