import test from 'ava';
import { parseSpec } from '../spec/parse.ts';
import { renderProblem } from '../spec/problem.ts';
import { bytes, Tree } from '../tree/tree.ts';
import { statePathProblems } from './state-paths.ts';

/** An image with /etc/ssh as a folder, /etc/motd as a file and /etc/keys as a link to a folder. */
function imageTree(): Tree {
  const tree = new Tree();
  tree.add({ path: '/etc/ssh/moduli', kind: 'file', mode: 0o644, data: bytes('x') });
  tree.add({ path: '/etc/motd', kind: 'file', mode: 0o644, data: bytes('hi') });
  tree.add({ path: '/opt/keys', kind: 'dir', mode: 0o700 });
  tree.add({ path: '/etc/keys', kind: 'symlink', mode: 0o777, target: '/opt/keys' });
  return tree;
}

function check(yaml: string): string[] {
  const { spec, problems, locate } = parseSpec(`version: 1\nname: x\n${yaml}`, 'spec.yml');
  if (!spec) throw new Error(problems.map(renderProblem).join('\n'));
  return statePathProblems(spec, imageTree()).map((problem) => renderProblem(locate(problem)));
}

test('state paths: folders of the image pass, also through a symlink', (t) => {
  t.deepEqual(check('state:\n  - path: /etc/ssh\n    generate: ssh-keygen -A\n  - path: /etc/keys\n'), []);
});

test('state paths: a folder missing from the image and a regular file are refused at their line', (t) => {
  t.deepEqual(check('state:\n  - path: /etc/tls\n  - path: /etc/motd\n'), [
    'spec.yml:4:11: state[0].path: "/etc/tls" is not in the image; add the package that ships it under packages:, or create it with files: (directory: true)',
    'spec.yml:5:11: state[1].path: "/etc/motd" is a file in the image, expected a folder: a state folder is mounted over it',
  ]);
});
