/** The spec's `state:` reaches the init through init.json, paths as the init mounts them. */
import test from 'ava';
import { configPath, type InitConfig } from '../../../contract/index.ts';
import { parseSpec } from '../spec/parse.ts';
import { renderProblem } from '../spec/problem.ts';
import type { FileEntry } from '../tree/tree.ts';
import { planTree } from './plan-tree.ts';

const busybox: FileEntry = { path: 'bin/busybox', kind: 'file', mode: 0o755, uid: 0, gid: 0, data: new TextEncoder().encode('\0[\0[[\0ash\0sh\0\0') };

function initConfig(yaml: string): InitConfig {
  const { spec, problems } = parseSpec(`version: 1\nname: st\n${yaml}`, 'st.yml');
  if (!spec) throw new Error(problems.map(renderProblem).join('\n'));
  const { tree } = planTree(spec, { packageEntries: [busybox], init: new Uint8Array([0x7f]), modules: [], sources: new Map() });
  return JSON.parse(new TextDecoder().decode((tree.get(configPath) as FileEntry).data)) as InitConfig;
}

test('state: entries reach init.json normalised, generate as argv, absent when the spec has none', (t) => {
  t.deepEqual(initConfig('state:\n  - path: /etc//ssh/\n    generate: ssh-keygen -A\n  - path: /opt/keys\n').state, [
    { path: '/etc/ssh', generate: ['/bin/sh', '-c', 'ssh-keygen -A'] },
    { path: '/opt/keys' },
  ]);
  t.false('state' in initConfig(''), 'an image without state: keeps the init.json it had');
});
