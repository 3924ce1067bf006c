import test from 'ava';
import { parseSpec } from './parse.ts';
import { renderProblem } from './problem.ts';

const valid = `version: 1
name: demo
arch: [x86_64]
hostname: demo-box
kernel:
  cmdline: quiet
  modules: [virtio_blk]
packages: [strace]
files:
  - path: /etc/motd
    contents: "hello\\n"
    mode: 0600
  - path: /opt/data
    directory: true
    owner: nobody
network:
  interfaces:
    - name: eth0
      dhcp: true
onboot:
  - name: prepare
    command: mkdir -p /run/app
services:
  - name: db
    command: [/bin/db, --port, "5432"]
    env: { LEVEL: 3 }
  - name: app
    command: [/bin/app]
    depends_on: [db]
    restart: on-failure
    user: "1000:1000"
`;

test('a valid spec parses into resolved types', (t) => {
  const { spec, problems } = parseSpec(valid, 'demo.yml');
  t.deepEqual(problems.map(renderProblem), []);
  t.truthy(spec);
  t.is(spec!.files![0]!.mode, 0o600, 'a YAML 0600 literal means octal, as in chmod');
  t.deepEqual(spec!.onboot![0]!.command, ['/bin/sh', '-c', 'mkdir -p /run/app']);
  t.deepEqual(spec!.services![0]!.env, { LEVEL: '3' });
});

/** Each malformed spec with every message it must produce, exactly. */
const invalidCases: { name: string; yaml: string; messages: string[] }[] = [
  {
    name: 'restart policy not in the enum',
    yaml: 'version: 1\nname: x\nservices:\n  - name: a\n    command: [/a]\n  - name: b\n    command: [/b]\n  - name: c\n    command: [/c]\n    restart: sometimes\n',
    messages: ['bad.yml:10:14: services[2].restart: expected one of always|on-failure|never, got "sometimes"'],
  },
  {
    name: 'missing required fields',
    yaml: 'version: 1\nservices:\n  - command: [/a]\n',
    messages: ['bad.yml:1:1: name: required field is missing', 'bad.yml:3:5: services[0].name: required field is missing'],
  },
  {
    name: 'unknown field with a typo hint',
    yaml: 'version: 1\nname: x\nservices:\n  - name: a\n    comand: [/a]\n',
    messages: [
      'bad.yml:5:5: services[0].comand: unknown field "comand". Did you mean "command"?',
    ],
  },
  {
    name: 'wrong version',
    yaml: 'version: 2\nname: x\n',
    messages: ['bad.yml:1:10: version: expected 1, got 2'],
  },
  {
    name: 'unknown architecture',
    yaml: 'version: 1\nname: x\narch: [x86_64, sparc]\n',
    messages: ['bad.yml:3:16: arch[1]: expected one of i386|x86_64|armv7|aarch64|mips|mipsel|mips64|mips64el, got "sparc"'],
  },
  {
    name: 'dependency on an unknown service',
    yaml: 'version: 1\nname: x\nservices:\n  - name: a\n    command: /a\n    depends_on: [db]\n',
    messages: ['bad.yml:6:18: services[0].depends_on[0]: unknown service "db", expected one of a'],
  },
  {
    name: 'dependency cycle',
    yaml: 'version: 1\nname: x\nservices:\n  - name: a\n    command: /a\n    depends_on: [b]\n  - name: b\n    command: /b\n    depends_on: [a]\n',
    messages: ['bad.yml:6:17: services[0].depends_on: dependency cycle: a -> b -> a'],
  },
  {
    name: 'duplicate service names',
    yaml: 'version: 1\nname: x\nservices:\n  - name: a\n    command: /a\n  - name: a\n    command: /b\n',
    messages: ['bad.yml:6:11: services[1].name: duplicate name "a", already used by services[0]'],
  },
  {
    name: 'file with two kinds',
    yaml: 'version: 1\nname: x\nfiles:\n  - path: /etc/a\n    contents: hi\n    symlink: /b\n',
    messages: ['bad.yml:4:5: files[0]: expected exactly one of contents, source, directory, symlink, got contents and symlink'],
  },
  {
    name: 'relative file path and bad mode',
    yaml: 'version: 1\nname: x\nfiles:\n  - path: etc/a\n    contents: hi\n    mode: "0999"\n',
    messages: [
      'bad.yml:4:11: files[0].path: expected an absolute path starting with "/", got "etc/a"',
      'bad.yml:6:11: files[0].mode: expected an octal mode (digits 0-7, as in chmod) such as 0644, got "0999"',
    ],
  },
  {
    name: 'static address without prefix, and dhcp with address',
    yaml: 'version: 1\nname: x\nnetwork:\n  interfaces:\n    - name: eth0\n      address: 10.0.0.5\n    - name: eth1\n      dhcp: true\n      address: 10.0.1.5/24\n',
    messages: [
      'bad.yml:6:16: network.interfaces[0].address: expected an IPv4 address with prefix length, such as 192.168.1.10/24, got "10.0.0.5"',
    ],
  },
  {
    name: 'dhcp together with a static address',
    yaml: 'version: 1\nname: x\nnetwork:\n  interfaces:\n    - name: eth1\n      dhcp: true\n      address: 10.0.1.5/24\n',
    messages: ['bad.yml:5:7: network.interfaces[0]: expected either dhcp: true or an address, got both'],
  },
  {
    name: 'wrong types',
    yaml: 'version: 1\nname: x\npackages: strace\nservices:\n  - name: a\n    command: 42\n',
    messages: [
      'bad.yml:3:11: packages: expected a list, got "strace"',
      'bad.yml:6:14: services[0].command: expected a list of arguments or a command string, got 42',
    ],
  },
  {
    name: 'invalid YAML',
    yaml: 'version: 1\nname: [x\n',
    messages: ['bad.yml:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  },
  {
    name: 'not a mapping',
    yaml: '- a\n- b\n',
    messages: ['bad.yml:1:1: expected a mapping with version, name and the other fields, got a list'],
  },
  {
    name: 'bad names',
    yaml: 'version: 1\nname: My Image\nhostname: -bad\n',
    messages: [
      'bad.yml:2:7: name: expected a name of lowercase letters, digits, ".", "_" or "-" (at most 63), got "My Image"',
      'bad.yml:3:11: hostname: expected a host name of letters, digits and "-", got "-bad"',
    ],
  },
  {
    name: 'a Debian package on mips, which has none',
    yaml: 'version: 1\nname: x\narch: [x86_64, mips]\npackages: [strace]\n',
    messages: [
      'bad.yml:4:12: packages[0]: package "strace" is not available for mips: Debian has no mips packages (imago builds its kernel and BusyBox from source). Remove it, or build for another architecture',
    ],
  },
  {
    name: 'kernel modules with a kernel built from source',
    yaml: 'version: 1\nname: x\nkernel:\n  build: true\n  modules: [vfat]\n',
    messages: [
      'bad.yml:5:12: kernel.modules: the kernel for x86_64 is built from kernel-config/ with everything built in and has no modules. Remove kernel.modules, or add the options to a kernel.build.config fragment',
    ],
  },
  {
    name: 'a service named like the DHCP client of the default eth0',
    yaml: 'version: 1\nname: x\nservices:\n  - name: dhcp-eth0\n    command: /a\n',
    messages: ['bad.yml:4:11: services[0].name: name "dhcp-eth0" is taken by the DHCP client of interface eth0; choose another'],
  },
  {
    name: 'a service named like the DHCP client of a named interface',
    yaml: 'version: 1\nname: x\nnetwork:\n  interfaces:\n    - name: wlan0\n      dhcp: true\nservices:\n  - name: dhcp-wlan0\n    command: /a\n',
    messages: ['bad.yml:8:11: services[0].name: name "dhcp-wlan0" is taken by the DHCP client of interface wlan0; choose another'],
  },
  {
    name: 'alias bomb (billion laughs) is a located problem, not a crash',
    yaml: ['version: 1', 'name: x', 'kernel:', '  modules: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]']
      .concat(['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((n, i) => `x${i}: &${n} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(', ')}]`))
      .join('\n'),
    messages: [
      'bad.yml:12:9: x7[0]: alias *h expands to more than 1,000,000 values, more than any spec needs: nested aliases can make a small file expand without end (a "billion laughs"). Write the values out, or nest aliases less',
    ],
  },
  {
    name: 'alias to no anchor is a located problem, not a crash',
    yaml: 'version: 1\nname: *nope\n',
    messages: ['bad.yml:2:7: name: alias *nope refers to no anchor: expected &nope on a value before it. Define the anchor first, or quote the text if "*nope" is meant literally'],
  },
  {
    name: 'octal fields: digit 8 or 9, mode over 7777, umask over 0777',
    yaml: 'version: 1\nname: x\nfiles:\n  - path: /a\n    contents: a\n    mode: 0999\n  - path: /b\n    contents: b\n    mode: 17777\nservices:\n  - name: a\n    command: /a\n    umask: 1777\n  - name: b\n    command: /b\n    umask: 0o089\n',
    messages: [
      'bad.yml:6:11: files[0].mode: expected an octal mode (digits 0-7, as in chmod) such as 0644, got 0999',
      'bad.yml:9:11: files[1].mode: expected an octal mode of at most 7777, got 17777',
      'bad.yml:13:12: services[0].umask: expected an octal umask of at most 0777, got 1777',
      'bad.yml:16:12: services[1].umask: expected an octal umask (digits 0-7, as in chmod) such as 0022, got 0o089',
    ],
  },
  {
    name: 'a number in an argument list blames the element and says to quote it',
    yaml: 'version: 1\nname: x\nservices:\n  - name: a\n    command: [/a, --port, 5432, --v, true]\n',
    messages: [
      'bad.yml:5:27: services[0].command[2]: expected a string, got 5432; quote it ("5432") to write it as text',
      'bad.yml:5:38: services[0].command[4]: expected a string, got true; quote it ("true") to write it as text',
    ],
  },
  {
    name: 'a bad dependency condition blames the entry, not the mapping',
    yaml: 'version: 1\nname: x\nservices:\n  - name: db\n    command: /db\n  - name: a\n    command: /a\n    depends_on: { db: up }\n',
    messages: ['bad.yml:8:23: services[1].depends_on.db: expected one of started|ready|healthy, got "up"'],
  },
  {
    name: 'an unknown field inside a union branch (kernel.build mapping) gets its hint',
    yaml: 'version: 1\nname: x\nkernel:\n  build: { confg: [a.config] }\n',
    messages: ['bad.yml:4:12: kernel.build.confg: unknown field "confg". Did you mean "config"?'],
  },
  {
    name: 'a bad environment variable name blames the key and says what a name may contain',
    yaml: 'version: 1\nname: x\nservices:\n  - name: a\n    command: /a\n    env: { OK: 1, 1BAD: x }\n',
    messages: ['bad.yml:6:19: services[0].env.1BAD: expected an environment variable name: letters, digits and "_", not starting with a digit, got "1BAD"'],
  },
  {
    name: 'a duplicate key is named, with the line of the first',
    yaml: 'version: 1\nname: x\nservices:\n  - name: a\n    command: /a\n    name: b\n',
    messages: ['bad.yml:6:5: services[0].name: duplicate key "name": already set at line 4; a mapping sets each key once, keep one of them'],
  },
  {
    name: 'an unclosed quote points where it opened, not at the end of the file',
    yaml: 'version: 1\nname: "abc\nhostname: x\npackages: [a]\n',
    messages: ['bad.yml:2:7: name: unclosed quote: the " opened here is never closed (the text runs on to line 5). Add the closing "'],
  },
  {
    name: 'a second YAML document is named as such',
    yaml: 'version: 1\nname: x\n---\nversion: 1\n',
    messages: ['bad.yml:3:1: one document per spec file; found a second at line 3. Remove it, or merge it into the first'],
  },
  {
    name: 'a 5000-character value and key are cut to about 80 characters',
    yaml: `version: 1\nname: x\nhostname: ${'a'.repeat(4999)}-\n${'k'.repeat(500)}: 1\n`,
    messages: [
      `bad.yml:3:11: hostname: expected a host name of letters, digits and "-", got "${'a'.repeat(77)}…" (5000 characters)`,
      `bad.yml:4:1: ${'k'.repeat(77)}…: unknown field "${'k'.repeat(77)}…" (500 characters). Known fields: version, name, image_version, arch, kernel, packages, hostname, users, groups, files, network, onboot, containers, services, logs, qemu, update`,
    ],
  },
];

for (const { name, yaml, messages } of invalidCases) {
  test(`invalid spec: ${name}`, (t) => {
    const { spec, problems } = parseSpec(yaml, 'bad.yml');
    t.is(spec, undefined);
    t.deepEqual(problems.map(renderProblem), messages);
  });
}

/** How each way of writing an octal field reads: as chmod would, whatever YAML makes of the digits. */
const octalCases: { written: string; value: number }[] = [
  { written: '755', value: 0o755 },
  { written: '0755', value: 0o755 },
  { written: '0o755', value: 0o755 },
  { written: '"755"', value: 0o755 },
  { written: '"0755"', value: 0o755 },
  { written: '027', value: 0o27 },
  { written: '0027', value: 0o27 },
  { written: '0', value: 0 },
];

for (const { written, value } of octalCases) {
  test(`octal fields: mode and umask written ${written} read as octal`, (t) => {
    const yaml = `version: 1\nname: x\nfiles:\n  - { path: /a, contents: a, mode: ${written} }\nservices:\n  - name: a\n    command: /a\n    umask: ${written}\n`;
    const { spec, problems } = parseSpec(yaml, 'ok.yml');
    t.deepEqual(problems.map(renderProblem), []);
    t.is(spec!.files![0]!.mode, value);
    t.is(spec!.services![0]!.umask, value);
  });
}

test('octal fields: mode 4755 keeps its setuid bit', (t) => {
  const { spec } = parseSpec('version: 1\nname: x\nfiles:\n  - { path: /a, contents: a, mode: 4755 }\n', 'ok.yml');
  t.is(spec!.files![0]!.mode, 0o4755);
});

test('octal fields: an environment variable named mode stays the text written', (t) => {
  const { spec, problems } = parseSpec('version: 1\nname: x\nservices:\n  - name: a\n    command: /a\n    env: { mode: 755 }\n', 'ok.yml');
  t.deepEqual(problems.map(renderProblem), []);
  t.deepEqual(spec!.services![0]!.env, { mode: '755' });
});
