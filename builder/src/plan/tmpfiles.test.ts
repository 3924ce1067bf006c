/**
 * tmpfiles.d lines as Debian packages ship them (postgresql-common, dbus,
 * man-db, systemd's debian.conf) and the lines imago leaves out, with why.
 */
import test from 'ava';
import { parseTmpfiles, type TmpfilesEntry } from './tmpfiles.ts';

const parsedCases: [name: string, line: string, entry: Omit<TmpfilesEntry, 'source'>][] = [
  ['postgresql-common: a setgid runtime folder', 'd /run/postgresql 2775 postgres postgres - -', { type: 'd', replace: false, path: '/run/postgresql', mode: 0o2775, user: 'postgres', group: 'postgres' }],
  ['postgresql-common: a sticky log folder', 'd /var/log/postgresql 1775 root postgres - -', { type: 'd', replace: false, path: '/var/log/postgresql', mode: 0o1775, user: 'root', group: 'postgres' }],
  ['dbus: mode and owner left as they are', 'd /var/lib/dbus 0755 - - -', { type: 'd', replace: false, path: '/var/lib/dbus', mode: 0o755 }],
  ['dbus: a symlink', 'L /var/lib/dbus/machine-id - - - - /etc/machine-id', { type: 'L', replace: false, path: '/var/lib/dbus/machine-id', argument: '/etc/machine-id' }],
  ['dbus: a user and no group', 'd /run/dbus/containers 0755 messagebus - - -', { type: 'd', replace: false, path: '/run/dbus/containers', mode: 0o755, user: 'messagebus' }],
  ['man-db: the age field is ignored', 'd /var/cache/man 0755 man man 1w', { type: 'd', replace: false, path: '/var/cache/man', mode: 0o755, user: 'man', group: 'man' }],
  ['systemd debian.conf: L+ replaces, with a relative target', 'L+ /etc/mtab   -    -    -    -  ../proc/self/mounts', { type: 'L', replace: true, path: '/etc/mtab', argument: '../proc/self/mounts' }],
  ['openssh-server runtime folder', 'd /run/sshd 0755 root root', { type: 'd', replace: false, path: '/run/sshd', mode: 0o755, user: 'root', group: 'root' }],
  ['a file with contents containing spaces', 'f /etc/motd 0644 root root - hello from imago', { type: 'f', replace: false, path: '/etc/motd', mode: 0o644, user: 'root', group: 'root', argument: 'hello from imago' }],
  ['specifiers %S and %t', 'L %S/app/sock - - - - %t/app.sock', { type: 'L', replace: false, path: '/var/lib/app/sock', argument: '/run/app.sock' }],
  ['a masked mode ~ and the ! boot-only modifier', 'd! /tmp/.X11-unix ~1777 root root 10d', { type: 'd', replace: false, path: '/tmp/.X11-unix', mode: 0o1777, user: 'root', group: 'root' }],
  ['C copies a file the image has', 'C /var/www/html/index.nginx-debian.html - - - - /usr/share/nginx/html/index.html', { type: 'C', replace: false, path: '/var/www/html/index.nginx-debian.html', argument: '/usr/share/nginx/html/index.html' }],
  ['z adjusts an existing path', 'z /var/log/wtmp 0664 root utmp', { type: 'z', replace: false, path: '/var/log/wtmp', mode: 0o664, user: 'root', group: 'utmp' }],
];

for (const [name, line, entry] of parsedCases) {
  test(`tmpfiles line parsed: ${name}`, (t) => {
    const { entries, skipped } = parseTmpfiles(`# comment\n\n${line}\n`, 'x.conf');
    t.deepEqual(skipped, []);
    t.deepEqual(entries, [{ ...entry, source: 'x.conf:3' }]);
  });
}

const skippedCases: [name: string, line: string, reason: RegExp][] = [
  ['systemd tmp.conf: cleaning exclusion x', 'x /tmp/systemd-private-%b-*', /type x is not carried out: it only excludes paths from cleaning/],
  ['removal R', 'R /var/tmp/foo-* - - - -', /type R is not carried out: it removes files at boot/],
  ['a device node', 'c /dev/fuse 0666 - - - 10:229', /device nodes come from devtmpfs/],
  ['a specifier that needs a running systemd', 'd /run/user/%U 0700 - - -', /specifier %U is not supported/],
  ['a base64 argument', 'f~ /etc/x 0644 - - - aGVsbG8=', /~ \(base64 argument\) modifier is not supported/],
  ['a mode that is not octal', 'd /var/lib/x 0y55 - -', /the mode "0y55" is not an octal mode/],
  ['an unknown type', 'Y /var/lib/x', /type Y is not carried out: it is not a tmpfiles.d type imago knows/],
];

for (const [name, line, reason] of skippedCases) {
  test(`tmpfiles line left out, with the reason: ${name}`, (t) => {
    const { entries, skipped } = parseTmpfiles(`${line}\n`, 'y.conf');
    t.deepEqual(entries, []);
    t.is(skipped.length, 1);
    t.is(skipped[0]!.source, 'y.conf:1');
    t.regex(skipped[0]!.reason, reason);
  });
}
