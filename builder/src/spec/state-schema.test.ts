import test from 'ava';
import { parseSpec } from './parse.ts';
import { renderProblem } from './problem.ts';

const head = 'version: 1\nname: x\n';

test('state: a command string becomes sh -c, an argv list stays, generate is optional', (t) => {
  const { spec, problems } = parseSpec(`${head}state:\n  - path: /etc/ssh\n    generate: ssh-keygen -A\n  - path: /etc/tls\n    generate: [/usr/bin/make-cert, /etc/tls]\n  - path: /opt/app/keys\n`, 'ok.yml');
  t.deepEqual(problems.map(renderProblem), []);
  t.deepEqual(spec!.state, [
    { path: '/etc/ssh', generate: ['/bin/sh', '-c', 'ssh-keygen -A'] },
    { path: '/etc/tls', generate: ['/usr/bin/make-cert', '/etc/tls'] },
    { path: '/opt/app/keys' },
  ]);
});

/** Each bad `state:` with the located messages it must produce. */
const invalidCases: { name: string; yaml: string; messages: string[] }[] = [
  {
    name: 'a relative path',
    yaml: 'state:\n  - path: etc/ssh\n',
    messages: ['bad.yml:4:11: state[0].path: expected an absolute path starting with "/", got "etc/ssh"'],
  },
  {
    name: 'a path under /var, which is a tmpfs at run time',
    yaml: 'state:\n  - path: /var/lib/app\n',
    messages: ['bad.yml:4:11: state[0].path: expected a folder of the read-only root, not under /var, /run, /tmp, /proc, /sys, /dev, /data: those are mounted (or writable) at run time already, got "/var/lib/app"'],
  },
  {
    name: 'the data partition itself, written with a trailing slash',
    yaml: 'state:\n  - path: /data/\n',
    messages: ['bad.yml:4:11: state[0].path: expected a folder of the read-only root, not under /var, /run, /tmp, /proc, /sys, /dev, /data: those are mounted (or writable) at run time already, got "/data/"'],
  },
  {
    name: "imago's own configuration folder",
    yaml: 'state:\n  - path: /etc/imago\n',
    messages: ['bad.yml:4:11: state[0].path: expected a folder outside /etc/imago, /usr/share/imago, /usr/libexec/imago: imago writes those, and a device\'s kept copy would hide the next image\'s, got "/etc/imago"'],
  },
  {
    name: 'one entry inside another',
    yaml: 'state:\n  - path: /etc/ssh\n  - path: /etc//ssh/keys\n',
    messages: ['bad.yml:5:11: state[1].path: expected a folder outside state[0].path "/etc/ssh" (state folders would mount over each other: keep only the outer one), got "/etc//ssh/keys"'],
  },
  {
    name: 'the same folder twice',
    yaml: 'state:\n  - path: /etc/ssh\n    generate: ssh-keygen -A\n  - path: /etc/ssh/\n',
    messages: ['bad.yml:6:11: state[1].path: expected another folder than state[0].path "/etc/ssh" (state folders would mount over each other: keep only the outer one), got "/etc/ssh/"'],
  },
  {
    name: 'an unknown field',
    yaml: 'state:\n  - path: /etc/ssh\n    command: ssh-keygen -A\n',
    messages: ['bad.yml:5:5: state[0].command: unknown field "command". Known fields: path, generate'],
  },
];

for (const { name, yaml, messages } of invalidCases) {
  test(`state: ${name} is refused at its place`, (t) => {
    const { problems } = parseSpec(head + yaml, 'bad.yml');
    t.deepEqual(problems.map(renderProblem), messages);
  });
}
