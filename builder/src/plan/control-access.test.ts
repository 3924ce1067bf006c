import test from 'ava';
import { parseSpec } from '../spec/parse.ts';
import { renderProblem } from '../spec/problem.ts';
import { Tree, bytes } from '../tree/tree.ts';
import { addBaseLayout } from './base-layout.ts';
import { buildInitConfig } from './init-config.ts';
import { UserDatabase } from './users.ts';

/** Builds the init config of a spec snippet against the base users plus `ops` (1000) and group `wheel` (10). */
function build(text: string) {
  const parsed = parseSpec(`version: 1\nname: t\nnetwork: { interfaces: [] }\n${text}`, 'spec.yml');
  if (!parsed.spec) throw new Error(parsed.problems.map(renderProblem).join('\n'));
  const tree = new Tree();
  addBaseLayout(tree, 't');
  tree.add({ path: '/etc/passwd', kind: 'file', mode: 0o644, data: bytes('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\nops:x:1000:1000::/home/ops:/bin/sh\n') });
  tree.add({ path: '/etc/group', kind: 'file', mode: 0o644, data: bytes('root:x:0:\nwheel:x:10:ops\nnogroup:x:65534:\n') });
  const { config, problems } = buildInitConfig(parsed.spec, new UserDatabase(tree), []);
  return { control: config.control, problems: problems.map((problem) => renderProblem(parsed.locate(problem))) };
}

test('control: names and numeric ids resolve to the ids the init checks', (t) => {
  const { control, problems } = build('control:\n  read: { users: [nobody, 4242], groups: [nogroup] }\n  admin: { users: [ops], groups: [wheel, 77] }\n');
  t.deepEqual(problems, []);
  t.deepEqual(control, { read: { uids: [65534, 4242], gids: [65534] }, admin: { uids: [1000], gids: [10, 77] } });
});

test('control: a level left out grants nothing; no section at all means root only', (t) => {
  t.deepEqual(build('control:\n  read: { groups: [wheel] }\n').control, { read: { uids: [], gids: [10] }, admin: { uids: [], gids: [] } });
  t.is(build('services: []\n').control, undefined);
});

test('control: an unknown user or group is an error at its place in the spec', (t) => {
  const { problems } = build('control:\n  read:\n    users: [nobody, bob]\n  admin:\n    groups: [staff]\n');
  t.deepEqual(problems, [
    `spec.yml:6:21: control.read.users[1]: unknown user "bob": not in the image's /etc/passwd (known: root, nobody, ops)`,
    `spec.yml:8:14: control.admin.groups[0]: unknown group "staff": not in the image's /etc/group (known: root, wheel, nogroup)`,
  ]);
});

test('control: the schema refuses a malformed name, naming what it expects', (t) => {
  const { problems } = parseSpec('version: 1\nname: t\ncontrol:\n  admin: { users: ["Bad Name"] }\n  write: {}\n', 'spec.yml');
  const text = problems.map(renderProblem).join('\n');
  t.regex(text, /control\.admin\.users\[0\]: expected a user name or a numeric uid/);
  t.regex(text, /control.*write/);
});
