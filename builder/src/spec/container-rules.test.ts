import test from 'ava';
import { parseSpec } from './parse.ts';
import { renderProblem } from './problem.ts';

const problems = (text: string) => parseSpec(`version: 1\nname: t\n${text}`, 'spec.yml').problems.map(renderProblem);

const invalidCases: [string, string, RegExp][] = [
  ['neither packages nor archive', 'containers:\n  - name: a\n', /containers\[0\]: expected exactly one of packages or archive, got none/],
  ['both packages and archive', 'containers:\n  - name: a\n    packages: [xx]\n    archive: a.tar\n', /containers\[0\]: expected exactly one of packages or archive, got both/],
  ['archive with entrypoint', 'containers:\n  - name: a\n    archive: a.tar\n    entrypoint: [/x]\n', /containers\[0\]\.entrypoint: entrypoint applies to images built from packages/],
  ['duplicate container', 'containers:\n  - { name: a, packages: [xx] }\n  - { name: a, packages: [yy] }\n', /containers\[1\]\.name: duplicate container "a"/],
  ['unknown image', 'containers:\n  - { name: a, packages: [xx] }\nservices:\n  - { name: s, image: b }\n', /services\[0\]\.image: unknown container image "b", expected one of a/],
  ['no command and no image', 'services:\n  - { name: s }\n', /services\[0\]: expected command \(or image, to run a container\)/],
  ['network without image', 'services:\n  - { name: s, command: x, network: host }\n', /services\[0\]\.network: network applies to container services/],
  ['user on a container service', 'containers:\n  - { name: a, packages: [xx] }\nservices:\n  - { name: s, image: a, user: nobody }\n', /services\[0\]\.user: a container service runs as its image's user/],
  ['reserved name', 'containers:\n  - { name: a, packages: [xx] }\nservices:\n  - { name: containerd, command: x }\n', /services\[0\]\.name: "containerd" is the name of imago's own service/],
  ['tcp probe on a private network', 'containers:\n  - { name: a, packages: [xx] }\nservices:\n  - { name: s, image: a, network: private, health: { tcp: 80 } }\n', /services\[0\]\.health: a tcp probe connects to the device's 127\.0\.0\.1, which a private-network container is not on; use a command probe, or network: host/],
  ['a line break in a container env value', 'containers:\n  - { name: a, packages: [xx] }\nservices:\n  - { name: s, image: a, env: { A: "1\\nB=2" } }\n', /services\[0\]\.env\.A: a container service cannot have a line break in an environment value/],
  ...['/run', '/run/imago', '/run/imago/control.sock', '/run/imago/esp', '/', '/run/imago/', '//run//imago', '/run/app/../imago', '/var/run/imago'].map((source): [string, string, RegExp] => [
    `a container mount of ${source}, which holds the control socket`,
    `containers:\n  - { name: a, packages: [xx] }\nservices:\n  - { name: s, image: a, mounts: [{ source: /var/lib/s, target: /d }, { source: "${source}", target: /x }] }\n`,
    /services\[0\]\.mounts\[1\]\.source: ".*" would show the container the init's control socket \(\/run\/imago\/control\.sock\); mount a folder outside \/run\/imago/,
  ]),
  [
    'a container mount of a spec symlink that points at /run',
    'files:\n  - { path: /srv/state, symlink: ../run }\ncontainers:\n  - { name: a, packages: [xx] }\nservices:\n  - { name: s, image: a, mounts: [{ source: /srv/state/imago, target: /x }] }\n',
    /services\[0\]\.mounts\[0\]\.source: "\/srv\/state\/imago" would show the container the init's control socket/,
  ],
  [
    'a package imago cannot compile, with from_source',
    'containers:\n  - { name: a, packages: [mosquitto, nginx], from_source: true, entrypoint: [/x] }\n',
    /containers\[0\]\.packages\[1\]: package "nginx" cannot be compiled from source \(from_source: true\): imago builds only busybox-static, mosquitto, mosquitto-clients from Debian's source; drop from_source to use Debian's binaries/,
  ],
  ['container_runtime without containers', 'container_runtime: { from_source: true }\nservices:\n  - { name: s, command: x }\n', /container_runtime: container_runtime applies to a spec with containers \(a service with image:\); this one runs none/],
  ['from_source on an archive', 'containers:\n  - { name: a, archive: a.tar, from_source: true }\n', /containers\[0\]\.from_source: from_source applies to images built from packages/],
  ['a built image with nothing to run', 'containers:\n  - { name: a, packages: [xx] }\nservices:\n  - { name: s, image: a }\n', /services\[0\]: expected command: the image "a" has no entrypoint or cmd \(set one under containers:, or command: here\)/],
  [
    'a package imago cannot build from source on mips',
    'arch: [mips]\ncontainers:\n  - { name: a, packages: [mosquitto, nginx] }\n',
    /containers\[0\]\.packages\[1\]: package "nginx" is not available for mips: Debian has no packages for mips, and imago builds only busybox-static, mosquitto, mosquitto-clients from Debian's source there\. Use one of those, archive: with an OCI image built for linux\/mips/,
  ],
];

for (const [name, text, expected] of invalidCases) {
  test(`invalid: ${name}`, (t) => {
    const found = problems(text);
    t.true(found.some((p) => expected.test(p)), found.join('\n'));
  });
}

test('containers from an archive on the host network are valid on mips and mips64, whose containerd is built from source', (t) => {
  t.deepEqual(problems('arch: [mips, mips64]\ncontainers:\n  - { name: a, archive: a.tar }\nservices:\n  - { name: s, image: a, network: host }\n'), []);
});

test("images/edge.yml's packages are built from source on mips and mips64, its publisher on the private network", (t) => {
  const text = 'arch: [mips, mips64]\ncontainers:\n  - { name: b, packages: [mosquitto], entrypoint: [/usr/sbin/mosquitto] }\n  - { name: c, packages: [mosquitto-clients, busybox-static], entrypoint: [/bin/busybox] }\nservices:\n  - { name: s, image: b, network: host }\n  - { name: p, image: c, network: private }\n';
  t.deepEqual(problems(text), []);
  t.deepEqual(problems(`container_runtime: { from_source: true }\n${text}`), [], 'the runtime compiled from source');
});

test('only the package outside the table is refused on mips, not its buildable neighbours', (t) => {
  const found = problems('arch: [mips]\ncontainers:\n  - { name: a, packages: [nginx, mosquitto-clients, curl] }\n');
  t.deepEqual(found.filter((p) => p.includes('is not available')).map((p) => /packages\[\d\]: package "[^"]+"/.exec(p)?.[0]), ['packages[0]: package "nginx"', 'packages[2]: package "curl"']);
});

test('a private network is valid on mips and mips64, whose iptables is built from source', (t) => {
  t.deepEqual(problems('arch: [mips, mips64]\ncontainers:\n  - { name: a, archive: a.tar }\nservices:\n  - { name: s, image: a, network: private }\n'), []);
});

test('a valid container spec has no problems', (t) => {
  const text = `qemu: { memory: 1G }
containers:
  - name: broker
    packages: [mosquitto]
    from_source: true
    files: [{ path: /etc/m.conf, contents: "x" }]
    entrypoint: [/usr/sbin/mosquitto]
    env: { A: 1 }
    user: nobody
  - name: pulled
    archive: app.tar
services:
  - name: broker
    image: broker
    network: host
    mounts: [{ source: /var/lib/m, target: /data, readonly: true }, { source: /run/app, target: /run/app }, { source: /runtime, target: /r }, { source: /run/imagoX, target: /y }]
    limits: { memory: 64M, cpu: 0.5 }
  - name: app
    image: pulled
    command: [/app, --flag]
    depends_on: [broker]
`;
  t.deepEqual(problems(text), []);
  t.is(parseSpec(`version: 1\nname: t\n${text}`, 'spec.yml').spec?.qemu?.memory, 2 ** 30);
});
