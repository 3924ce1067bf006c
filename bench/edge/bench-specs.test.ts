import { readFileSync } from 'node:fs';
import test from 'ava';
import { parseSpec } from '../../builder/src/spec/parse.ts';
import { topLevelKeys, withBuiltKernel, withMemoryProbes } from './bench-specs.ts';

const edge = readFileSync('images/edge.yml', 'utf8');
const minimal = readFileSync('images/minimal.yml', 'utf8');

test('withMemoryProbes: images/edge.yml plus the probes is still a valid spec, with the boot reading as an onboot task and the healthy one gated on the broker', (t) => {
  const { spec, problems } = parseSpec(withMemoryProbes(edge), 'edge.yml');
  t.deepEqual(problems, []);
  t.deepEqual(spec!.onboot?.map((task) => task.name), ['bench-memory-boot']);
  const probe = spec!.services!.find((service) => service.name === 'bench-memory-healthy');
  t.deepEqual(probe?.depends_on, [{ name: 'broker', condition: 'healthy' }]);
  t.is(probe?.restart, 'never');
  // Services plus containers, less the probe's own group.
  t.regex(String(probe?.command), /BENCH-CHARGED \$\(\( \$\(cat \/sys\/fs\/cgroup\/services\/memory\.current\) \+ \$\(cat \/sys\/fs\/cgroup\/imago\/memory\.current .*\) - \$\(cat \/sys\/fs\/cgroup\/services\/bench-memory-healthy\/memory\.current\) \)\)/);
});

test('withMemoryProbes: keeps every service of images/edge.yml, in order, before the probe', (t) => {
  const names = (text: string) => parseSpec(text, 'edge.yml').spec!.services!.map((service) => service.name);
  t.deepEqual(names(withMemoryProbes(edge)), [...names(edge), 'bench-memory-healthy']);
});

test('withMemoryProbes: keeps octal file modes as written (edited as text, not re-printed)', (t) => {
  t.true(withMemoryProbes(edge).includes('mode: 0755'));
});

const refusals: [string, string, RegExp][] = [
  ['a spec with its own onboot tasks', 'version: 1\nname: x\nonboot:\n  - name: a\n    command: true\nservices: []\n', /x\.yml: onboot: already set/],
  ['a spec whose last key is not services', 'version: 1\nname: x\nservices: []\nhostname: h\n', /x\.yml: expected services: as the last top-level key, got hostname/],
  ['a spec without a version line', 'name: x\nservices: []\n', /x\.yml: expected a top-level version: line/],
];
for (const [title, text, message] of refusals) {
  test(`withMemoryProbes refuses ${title}, naming the file`, (t) => {
    t.throws(() => withMemoryProbes(text, 'x.yml'), { message });
  });
}

test('withBuiltKernel: images/minimal.yml and images/edge.yml both ask for the built kernel and stay valid', (t) => {
  for (const text of [minimal, withMemoryProbes(edge)]) {
    const { spec, problems } = parseSpec(withBuiltKernel(text), 'spec.yml');
    t.deepEqual(problems, []);
    t.truthy(spec!.kernel?.build);
  }
});

test('withBuiltKernel with fragments: the minimal image asks for a built kernel with those config files, absolute', (t) => {
  const { spec, problems } = parseSpec(withBuiltKernel(minimal, 'images/minimal.yml', ['/src/kernel-config/containers.config']), 'spec.yml');
  t.deepEqual(problems, []);
  t.deepEqual(spec!.kernel?.build, { config: ['/src/kernel-config/containers.config'] });
});

test('withBuiltKernel refuses a spec that already has a kernel: key', (t) => {
  t.throws(() => withBuiltKernel('version: 1\nkernel: { package: linux-image-amd64 }\n', 'k.yml'), { message: /k\.yml: kernel: already set/ });
});

test('topLevelKeys: only unindented keys, in order', (t) => {
  t.deepEqual(topLevelKeys('version: 1\nname: x\nservices:\n  - name: a\n    depends_on: {}\n# comment: no\n'), ['version', 'name', 'services']);
});
