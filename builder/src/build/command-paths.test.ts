import test from 'ava';
import { parseSpec } from '../spec/parse.ts';
import { renderProblem } from '../spec/problem.ts';
import { bytes, Tree } from '../tree/tree.ts';
import { commandPathProblems, commandPrograms } from './command-paths.ts';

/** A small image: BusyBox in /bin with getty as an applet link, an app and a config file. */
function imageTree(): Tree {
  const tree = new Tree();
  tree.add({ path: '/bin/busybox', kind: 'file', mode: 0o755, data: bytes('ELF') });
  tree.add({ path: '/bin/getty', kind: 'symlink', mode: 0o777, target: 'busybox' });
  tree.add({ path: '/bin/sh', kind: 'symlink', mode: 0o777, target: '/bin/busybox' });
  tree.add({ path: '/opt/app/run', kind: 'file', mode: 0o755, data: bytes('#!/bin/sh\n') });
  tree.add({ path: '/etc/app.conf', kind: 'file', mode: 0o644, data: bytes('x') });
  tree.add({ path: '/usr/local/bin/app', kind: 'symlink', mode: 0o777, target: '/opt/app/gone' });
  return tree;
}

function check(yaml: string): string[] {
  const { spec, problems, locate } = parseSpec(`version: 1\nname: x\n${yaml}`, 'spec.yml');
  if (!spec) throw new Error(problems.map(renderProblem).join('\n'));
  return commandPathProblems(spec, imageTree()).map((problem) => renderProblem(locate(problem)));
}

test('command paths: programs that are in the image pass, through symlinks', (t) => {
  t.deepEqual(check('services:\n  - name: tty\n    command: [/bin/getty, "115200", console]\n  - name: app\n    command: /opt/app/run --verbose\n'), []);
});

test('command paths: /sbin/getty where BusyBox has /bin/getty is located and points at /bin', (t) => {
  t.deepEqual(check('services:\n  - name: tty\n    command: [/sbin/getty, "115200", console]\n'), [
    'spec.yml:5:15: services[0].command[0]: service "tty": "/sbin/getty" is not in the image (/sbin is missing); the image has getty at /bin/getty',
  ]);
});

test('command paths: the first word of a shell string is checked', (t) => {
  t.deepEqual(check('services:\n  - name: app\n    command: /nonexistent --flag\n'), [
    'spec.yml:5:14: services[0].command: service "app": "/nonexistent" is not in the image; add it with packages: or files:',
  ]);
});

test('command paths: a dangling symlink, a folder and a file without x bits are refused', (t) => {
  t.deepEqual(check('onboot:\n  - name: a\n    command: [/usr/local/bin/app]\n  - name: b\n    command: [/opt/app]\n  - name: c\n    command: /etc/app.conf\n'), [
    'spec.yml:5:15: onboot[0].command[0]: onboot command "a": "/usr/local/bin/app" is not in the image (/opt/app/gone is missing); add it with packages: or files:',
    'spec.yml:7:15: onboot[1].command[0]: onboot command "b": "/opt/app" is not a regular file in the image (it is a directory)',
    'spec.yml:9:14: onboot[2].command: onboot command "c": "/etc/app.conf" is not executable in the image (mode 0644); give it mode: "0755" under files:',
  ]);
});

test('command paths: what the build cannot judge is left alone', (t) => {
  const yaml =
    'onboot:\n  - name: prep\n    command: cp /opt/app/run /run/app\n' +
    'services:\n' +
    '  - name: runtime\n    command: [/run/app]\n' +
    '  - name: shell\n    command: $APP_HOME/run\n' +
    '  - name: env\n    command: LOG=1 /nonexistent\n' +
    '  - name: relative\n    command: [app]\n' +
    '  - name: data\n    command: [/data/app/run]\n';
  t.deepEqual(check(yaml), []);
});

test('commandPrograms takes argv[0], and the plain absolute first word of a shell string', (t) => {
  t.deepEqual(commandPrograms(['/usr/bin/env', 'x']), [{ program: '/usr/bin/env', at: [0] }]);
  t.deepEqual(commandPrograms(['/bin/sh', '-c', '  /opt/app/run  --x']), [{ program: '/bin/sh', at: [] }, { program: '/opt/app/run', at: [] }]);
  t.deepEqual(commandPrograms(['/bin/sh', '-c', '"/opt/my app/run"']), [{ program: '/bin/sh', at: [] }]);
  t.deepEqual(commandPrograms(['/bin/sh', '-c', 'exec /bin/x']), [{ program: '/bin/sh', at: [] }]);
  t.deepEqual(commandPrograms(['app']), []);
});
