import test from 'ava';
import { parseSpec } from '../spec/parse.ts';
import { missingPackageProblems } from './package-problems.ts';

const text = `version: 1
name: gw
packages: [nginx, ngnix]
containers:
  - name: app
    packages: [ngnix, perl-base]
`;

test('a missing package is blamed at every place the spec names it, image and container alike', (t) => {
  const { spec, locate } = parseSpec(text, 'gw.yml');
  t.truthy(spec);
  const problems = missingPackageProblems(spec!, ['ngnix', 'busybox-static'], 'arm64').map(locate);
  t.deepEqual(
    problems.map((p) => `${p.line}:${p.column}: ${p.path}: ${p.message}`),
    [
      '3:19: packages[1]: package ngnix not found for Debian bookworm arm64: check the name (a virtual package must be replaced by a package that provides it)',
      '6:16: containers[0].packages[0]: package ngnix not found for Debian bookworm arm64: check the name (a virtual package must be replaced by a package that provides it)',
    ],
  );
});

test('a missing package the spec does not name (one the builder adds) is no spec problem', (t) => {
  const { spec } = parseSpec(text, 'gw.yml');
  t.deepEqual(missingPackageProblems(spec!, ['busybox-static'], 'amd64'), []);
});
