import test from 'ava';
import { parseSysusers } from './sysusers.ts';

// Lines as Debian 12 packages ship them in /usr/lib/sysusers.d.
const cases: { title: string; line: string; requests: Record<string, unknown>[] }[] = [
  { title: 'systemd basic.conf: a group with a fixed gid', line: 'g adm 4 -', requests: [{ kind: 'group', name: 'adm', gid: 4 }] },
  { title: 'systemd basic.conf: a user with quoted GECOS and a home', line: 'u nobody 65534:65534 "Nobody" /nonexistent', requests: [{ kind: 'user', name: 'nobody', uid: 65534, gid: 65534, gecos: 'Nobody', home: '/nonexistent' }] },
  { title: 'dbus: a dynamic user', line: 'u messagebus - "System Message Bus" /nonexistent', requests: [{ kind: 'user', name: 'messagebus', gecos: 'System Message Bus', home: '/nonexistent' }] },
  { title: 'systemd-timesync: every field', line: 'u systemd-timesync - "systemd Time Synchronization" / /usr/sbin/nologin', requests: [{ kind: 'user', name: 'systemd-timesync', gecos: 'systemd Time Synchronization', home: '/', shell: '/usr/sbin/nologin' }] },
  { title: 'a uid with a group name', line: 'u polkitd 999:polkitd "polkit"', requests: [{ kind: 'user', name: 'polkitd', uid: 999, group: 'polkitd', gecos: 'polkit' }] },
  { title: 'a locked user (u!)', line: "u! svc - 'Service'", requests: [{ kind: 'user', name: 'svc', gecos: 'Service' }] },
  { title: 'an id taken from a file is any id', line: 'u tss /var/lib/tpm', requests: [{ kind: 'user', name: 'tss' }] },
  { title: 'a membership', line: 'm systemd-journal-remote systemd-journal', requests: [{ kind: 'member', user: 'systemd-journal-remote', group: 'systemd-journal' }] },
  { title: 'a range', line: 'r - 500-900', requests: [{ kind: 'range', from: 500, to: 900 }] },
  { title: 'comments and blank lines', line: '# u not-a-user\n\n', requests: [] },
];

for (const { title, line, requests } of cases) {
  test(`sysusers.d: ${title}`, (t) => {
    const result = parseSysusers(line, 'x.conf');
    t.deepEqual(result.problems, []);
    t.deepEqual(result.requests.map(({ source: _source, ...rest }) => rest), requests);
  });
}

const invalid: { title: string; text: string; problem: RegExp }[] = [
  { title: 'an unknown type', text: 'x foo', problem: /^bad\.conf:1: unknown line type "x", expected u, g, m or r/ },
  { title: 'a uid that is not a number', text: '\nu foo abc', problem: /^bad\.conf:2: expected a uid, "uid:gid", "uid:group" or "-", got "abc"/ },
  { title: 'a membership without group', text: 'm foo', problem: /^bad\.conf:1: expected "m user group"/ },
  { title: 'a bad range', text: 'r - a-b', problem: /^bad\.conf:1: expected a range such as "100-999"/ },
];

for (const { title, text, problem } of invalid) {
  test(`sysusers.d problem names the file and line: ${title}`, (t) => {
    const result = parseSysusers(text, 'bad.conf');
    t.is(result.problems.length, 1);
    t.regex(result.problems[0]!, problem);
  });
}

test('sysusers.d sources are file:line', (t) => {
  t.deepEqual(parseSysusers('\n# c\ng foo -', 'usr/lib/sysusers.d/foo.conf').requests[0]?.source, 'usr/lib/sysusers.d/foo.conf:3');
});
