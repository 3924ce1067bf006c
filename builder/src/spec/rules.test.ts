/**
 * Spec checks by class (paths, kernel command line, architectures, bounds,
 * relations): each row is a spec fragment that passed validation before its
 * check existed, the field the problem must be reported at, and a part of the
 * message in the user's words. Every row also asserts the spec is refused.
 */
import test from 'ava';
import { bootMounts } from '../../../init/src/boot/mounts.ts';
import { parseSpec } from './parse.ts';
import { bootMountPoints } from './path-rules.ts';

interface Case {
  name: string;
  /** Spec text after `version: 1` and `name: t`. */
  yaml: string;
  /** Where the problem is reported, as `imago validate` prints it. */
  path: string;
  message: string;
}

const invalidCases: Case[] = [
  // File paths
  { name: 'a path with ".."', yaml: 'files: [{ path: /etc/../init, contents: x }]', path: 'files[0].path', message: 'expected a path without ".." components' },
  { name: 'the root itself as a path', yaml: 'files: [{ path: /, directory: true }]', path: 'files[0].path', message: 'expected a path below "/", not the root itself' },
  { name: 'the root written as "/./"', yaml: 'files: [{ path: /./, directory: true }]', path: 'files[0].path', message: 'not the root itself' },
  { name: 'a NUL in a path', yaml: 'files: [{ path: "/etc/a\\0b", contents: x }]', path: 'files[0].path', message: 'expected a path without NUL or line breaks' },
  { name: 'a newline in a path', yaml: 'files: [{ path: "/etc/a\\nb", contents: x }]', path: 'files[0].path', message: 'expected a path without NUL or line breaks' },
  { name: 'a newline in a workdir', yaml: 'services: [{ name: a, command: /a, workdir: "/srv\\n" }]', path: 'services[0].workdir', message: 'without NUL or line breaks' },
  { name: 'paths differing only by "//"', yaml: 'files: [{ path: /etc/a, contents: x }, { path: //etc//a, contents: y }]', path: 'files[1].path', message: 'duplicate path "//etc//a", already set by files[0] (as "/etc/a")' },
  { name: 'paths differing only by "/./"', yaml: 'files: [{ path: /etc/a, contents: x }, { path: /etc/./a, contents: y }]', path: 'files[1].path', message: 'duplicate path "/etc/./a"' },
  { name: 'paths differing by a trailing "/"', yaml: 'files: [{ path: /opt/a, directory: true }, { path: /opt/a/, directory: true }]', path: 'files[1].path', message: 'duplicate path' },
  { name: 'a file inside a regular file', yaml: 'files: [{ path: /etc/app, contents: x }, { path: /etc/app/conf, contents: y }]', path: 'files[1].path', message: '"/etc/app/conf" is inside "/etc/app", which files[0] makes a regular file' },
  { name: 'a file inside a symlink', yaml: 'files: [{ path: /opt/l, symlink: /x }, { path: /opt/l/a, contents: y }]', path: 'files[1].path', message: 'which files[0] makes a symlink' },
  { name: 'a file inside a file of a container image', yaml: 'containers: [{ name: c, packages: [xx], files: [{ path: /a, contents: x }, { path: /a/b, contents: y }] }]', path: 'containers[0].files[1].path', message: 'which containers[0].files[0] makes a regular file' },
  { name: 'a file replacing /init', yaml: 'files: [{ path: /init, contents: "#!/bin/sh" }]', path: 'files[0].path', message: `"/init" is imago's init (PID 1), which the builder writes; a file there would replace it` },
  { name: 'a file replacing /init written as //init', yaml: 'files: [{ path: //init, contents: "#!/bin/sh" }]', path: 'files[0].path', message: "imago's init (PID 1)" },
  { name: "a file replacing the init's configuration", yaml: 'files: [{ path: /etc/imago/init.json, contents: "{}" }]', path: 'files[0].path', message: `"/etc/imago/init.json" is inside /etc/imago: imago's configuration` },
  { name: 'a file replacing imagoctl', yaml: 'files: [{ path: /usr/bin/imagoctl, symlink: /bin/true }]', path: 'files[0].path', message: "imago's control client" },
  { name: 'a file replacing the DHCP script', yaml: 'files: [{ path: /usr/share/imago/udhcpc.script, contents: x }]', path: 'files[0].path', message: "inside /usr/share/imago: imago's own files" },
  { name: "a file replacing containerd's generated configuration", yaml: 'containers: [{ name: c, packages: [xx] }]\nfiles: [{ path: /etc/containerd/config.toml, contents: x }]', path: 'files[0].path', message: 'the containerd configuration imago generates' },
  { name: 'a package entry with an unknown field', yaml: 'packages: [{ name: nginx, setup: [a], postinst: x }]', path: 'packages[0].postinst', message: 'unknown field "postinst". Known fields: name, setup' },
  { name: 'a package entry without a name', yaml: 'packages: [{ setup: [a] }]', path: 'packages[0].name', message: 'required field is missing' },
  { name: 'an empty setup command', yaml: 'packages: [{ name: nginx, setup: [""] }]', path: 'packages[0].setup[0]', message: 'expected a shell command' },
  { name: 'a file under /run', yaml: 'files: [{ path: /run/app.pid, contents: x }]', path: 'files[0].path', message: 'hidden by the tmpfs mounted at /run at boot' },
  { name: 'a file under /tmp', yaml: 'files: [{ path: /tmp/seed, contents: x }]', path: 'files[0].path', message: 'hidden by the tmpfs mounted at /tmp at boot' },
  { name: 'a directory at /tmp', yaml: 'files: [{ path: /tmp, directory: true, mode: "0700" }]', path: 'files[0].path', message: 'copy it with an onboot task' },
  { name: 'a file under /data with updates', yaml: 'update: { keys: [k.pub] }\nfiles: [{ path: /data/seed, contents: x }]', path: 'files[0].path', message: 'hidden by the data partition mounted at /data at boot' },
  // Kernel command line
  { name: 'a newline in the kernel command line', yaml: 'kernel: { cmdline: "quiet\\ninit=/bin/sh" }', path: 'kernel.cmdline', message: 'expected a command line on one line, without NUL or line breaks' },
  { name: 'a NUL in the kernel command line', yaml: 'kernel: { cmdline: "quiet\\0" }', path: 'kernel.cmdline', message: 'without NUL or line breaks' },
  // Architectures
  { name: 'an architecture listed twice', yaml: 'arch: [x86_64, aarch64, x86_64]', path: 'arch[2]', message: 'duplicate architecture "x86_64", already listed as arch[0]' },
  // Bounds
  { name: 'a duration of 1e308 seconds', yaml: 'logs: { max_age: 1e308 }', path: 'logs.max_age', message: 'expected a duration from 100ms to 24d, got 1e+308' },
  { name: 'a size of 1e308 bytes', yaml: 'logs: { max_size: 1e308 }', path: 'logs.max_size', message: 'expected a size from 1K to 1T, got 1e+308' },
  { name: 'a duration beyond the timers', yaml: 'services: [{ name: a, command: /a, stop_timeout: 30d }]', path: 'services[0].stop_timeout', message: 'expected a duration from 0 to 24d, got "30d"' },
  { name: 'a size that is not one', yaml: 'logs: { max_size: 12x }', path: 'logs.max_size', message: 'expected a size like 64M or 1G, got "12x"' },
  { name: 'a duration that is not one', yaml: 'logs: { max_age: "5 min" }', path: 'logs.max_age', message: 'expected a duration like 500ms, 10s, 5m, 1h or 1d, got "5 min"' },
  { name: 'a size in part bytes', yaml: 'logs: { max_size: 1500.5 }', path: 'logs.max_size', message: 'in whole bytes' },
  { name: 'zero guest memory', yaml: 'qemu: { memory: 0 }', path: 'qemu.memory', message: 'expected a size from 32M to 1T, got 0' },
  { name: 'a zero memory limit', yaml: 'services: [{ name: a, command: /a, limits: { memory: 0 } }]', path: 'services[0].limits.memory', message: 'expected a size from 1M to 1T, got 0' },
  { name: 'a zero probe interval', yaml: 'services: [{ name: a, command: /a, ready: { tcp: 80, interval: 0 } }]', path: 'services[0].ready.interval', message: 'expected a duration from 10ms to 24d, got 0' },
  { name: 'a zero health interval', yaml: 'services: [{ name: a, command: /a, health: { tcp: 80, interval: 0ms } }]', path: 'services[0].health.interval', message: 'from 10ms to 24d' },
  { name: 'a zero probe timeout', yaml: 'services: [{ name: a, command: /a, health: { tcp: 80, timeout: 0 } }]', path: 'services[0].health.timeout', message: 'from 10ms to 24d' },
  { name: 'a negative duration', yaml: 'services: [{ name: a, command: /a, stop_timeout: -1 }]', path: 'services[0].stop_timeout', message: 'expected a duration from 0 to 24d, got -1' },
  { name: 'a data partition too small for ext4', yaml: 'update: { keys: [k.pub], data_size: 1M }', path: 'update.data_size', message: 'expected a size from 16M to 1T, got "1M"' },
  { name: 'a zero data partition', yaml: 'update: { keys: [k.pub], data_size: 0 }', path: 'update.data_size', message: 'from 16M' },
  { name: 'a slot too small for any image', yaml: 'update: { keys: [k.pub], slot_size: 1M }', path: 'update.slot_size', message: 'expected a size from 8M to 1T' },
  { name: 'a zero commit timeout', yaml: 'update: { keys: [k.pub], commit_timeout: 0 }', path: 'update.commit_timeout', message: 'expected a duration from 10s to 24d' },
  // Relations
  { name: 'commit_after longer than commit_timeout', yaml: 'update: { keys: [k.pub], commit_after: 10m, commit_timeout: 5m }', path: 'update.commit_after', message: 'expected commit_after (10m) shorter than commit_timeout (5m): every trial boot would time out' },
  { name: 'commit_after longer than the default commit_timeout', yaml: 'update: { keys: [k.pub], commit_after: 6m }', path: 'update.commit_after', message: 'commit_timeout (5m, the default)' },
  { name: 'commit_timeout shorter than the default commit_after', yaml: 'update: { keys: [k.pub], commit_timeout: 30s }', path: 'update.commit_timeout', message: 'expected commit_after (60s, the default) shorter than commit_timeout (30s)' },
  { name: 'backoff initial above max', yaml: 'services: [{ name: a, command: /a, backoff: { initial: 10s, max: 1s } }]', path: 'services[0].backoff.initial', message: 'expected backoff.initial (10s) at most backoff.max (1000ms)' },
  { name: 'backoff max below the default initial', yaml: 'services: [{ name: a, command: /a, backoff: { max: 10ms } }]', path: 'services[0].backoff.max', message: 'backoff.initial (100ms, the default) at most backoff.max (10ms)' },
  { name: 'a gateway outside the subnet', yaml: 'network: { interfaces: [{ name: eth0, address: 192.168.1.10/24, gateway: 192.168.2.1 }] }', path: 'network.interfaces[0].gateway', message: 'gateway 192.168.2.1 is outside 192.168.1.0/24, the subnet of address 192.168.1.10/24' },
  { name: "the subnet's network address as the host's", yaml: 'network: { interfaces: [{ name: eth0, address: 192.168.1.0/24 }] }', path: 'network.interfaces[0].address', message: '192.168.1.0 is the network address of 192.168.1.0/24, not a host on it; use an address from 192.168.1.1 to 192.168.1.254' },
  { name: "the subnet's broadcast address as the host's", yaml: 'network: { interfaces: [{ name: eth0, address: 10.1.255.255/16 }] }', path: 'network.interfaces[0].address', message: '10.1.255.255 is the broadcast address of 10.1.0.0/16' },
  { name: "the gateway is the host's own address", yaml: 'network: { interfaces: [{ name: eth0, address: 10.0.0.2/24, gateway: 10.0.0.2 }] }', path: 'network.interfaces[0].gateway', message: "is the interface's own address" },
  { name: 'dhcp: false without an address', yaml: 'network: { interfaces: [{ name: eth1, dhcp: false }] }', path: 'network.interfaces[0].dhcp', message: 'dhcp: false needs a static address (such as 192.168.1.10/24); without one eth1 would still use DHCP' },
];

for (const { name, yaml, path, message } of invalidCases) {
  test(`refused: ${name}`, (t) => {
    const { spec, problems } = parseSpec(`version: 1\nname: t\n${yaml}\n`, 'spec.yml');
    t.is(spec, undefined, 'the spec is refused');
    const rendered = problems.map((p) => `${p.path}: ${p.message}`);
    t.true(
      problems.some((p) => p.path === path && p.message.includes(message)),
      `expected ${path}: ...${message}...\ngot:\n${rendered.join('\n')}`,
    );
  });
}

/** Neighbours of the refused cases that must still pass, so the checks are not broader than meant. */
const validCases: [string, string][] = [
  ['a file under /etc next to a directory entry', 'files: [{ path: /etc/app, directory: true }, { path: /etc/app/conf, contents: y }]'],
  ['a directory written twice as a dir', 'files: [{ path: /opt/a, directory: true }, { path: /opt/b, directory: true }]'],
  ['a path with a harmless "//"', 'files: [{ path: /opt//tool, contents: x }]'],
  ['a path that only starts like a mount point', 'files: [{ path: /variant, contents: x }, { path: /runner/a, contents: y }, { path: /initrd.conf, contents: z }]'],
  ['/data without updates', 'files: [{ path: /data/seed, contents: x }]'],
  ['/etc/containerd without containers', 'files: [{ path: /etc/containerd/config.toml, contents: x }]'],
  ['a /31 point-to-point address', 'network: { interfaces: [{ name: eth0, address: 10.0.0.0/31, gateway: 10.0.0.1 }] }'],
  ['a /32 address', 'network: { interfaces: [{ name: eth0, address: 10.0.0.7/32 }] }'],
  ['dhcp: false with an address', 'network: { interfaces: [{ name: eth0, dhcp: false, address: 10.0.0.7/24, gateway: 10.0.0.1 }] }'],
  ['bounds at their limits', 'logs: { max_size: 1K, max_age: 100ms }\nqemu: { memory: 32M }\nservices: [{ name: a, command: /a, stop_timeout: 24d, ready: { tcp: 1, interval: 10ms } }]'],
  ['commit_after just under commit_timeout', 'update: { keys: [k.pub], commit_after: 299s, data_size: 16M, slot_size: 8M }'],
  ['backoff initial equal to max', 'services: [{ name: a, command: /a, backoff: { initial: 1s, max: 1s } }]'],
  ['sizes in T', 'logs: { max_size: 1T }'],
  // The init copies the image's /var into the tmpfs it mounts there.
  ['a file under /var, seeded into its tmpfs at boot', 'files: [{ path: /var/lib/app/state, contents: x }]'],
  ['a package with setup commands beside a plain name', 'packages: [curl, { name: nginx, setup: ["ln -s /etc/nginx/sites-available/x /etc/nginx/sites-enabled/x"] }]'],
  ['a directory at /var', 'files: [{ path: /var, directory: true, mode: "0755" }]'],
];

for (const [name, yaml] of validCases) {
  test(`accepted: ${name}`, (t) => {
    const { problems } = parseSpec(`version: 1\nname: t\n${yaml}\n`, 'spec.yml');
    t.deepEqual(problems.map((p) => `${p.path}: ${p.message}`), []);
  });
}

test('every file system the init mounts over the root is a mount point the path rules know', (t) => {
  const known = bootMountPoints.map((mount) => mount.path);
  const mounted = bootMounts.map((row) => row.target).filter((target) => !known.some((path) => target === path || target.startsWith(`${path}/`)));
  t.deepEqual(mounted, [], 'add these to bootMountPoints in path-rules.ts');
  const seededByInit = bootMounts.filter((row) => row.seeded).map((row) => row.target);
  const allowedByRules = bootMountPoints.filter((mount) => mount.seeded).map((mount) => mount.path);
  t.deepEqual(seededByInit, allowedByRules, 'the init seeds these mounts: path-rules.ts must allow files there');
});

test('a dependency cycle through 100000 services is reported in one line, without overflowing the stack', (t) => {
  const count = 100_000;
  const services = Array.from({ length: count }, (_, i) => `  - name: s${i}\n    command: /a\n    depends_on: [s${(i + 1) % count}]`);
  const { spec, problems } = parseSpec(`version: 1\nname: t\nservices:\n${services.join('\n')}\n`, 'spec.yml');
  t.is(spec, undefined);
  t.deepEqual(
    problems.map((p) => `${p.path}: ${p.message}`),
    ['services[0].depends_on: dependency cycle of 100000 services: s0 -> s1 -> s2 -> s3 -> s4 -> ... -> s99998 -> s99999 -> s0'],
  );
});
