import test from 'ava';
import { goBuildDependencies, reverseProvides } from './build-depends.ts';

const runcShowsrc = [
  'Package: runc',
  'Binary: runc, golang-github-opencontainers-runc-dev',
  'Version: 1.1.5+ds1-1+deb12u1',
  'Build-Depends: debhelper-compat (= 13), dh-golang, go-md2man, golang-any, golang-dbus-dev, golang-github-checkpoint-restore-go-criu-dev (>= 5.1.0~), golang-github-urfave-cli-dev (>= 1.22.9~) | golang-github-urfave-cli-v2-dev, golang-golang-x-sys-dev [linux-any], golang-dbus-dev',
  'Package-List:',
  ' runc deb utils optional arch=linux-any',
  '',
  'Package: runc',
  'Version: 1.0.0~rc1-1',
  'Build-Depends: golang-old-only-dev',
  '',
].join('\n');

test('Go build dependencies are the golang-*-dev names of the first record, without tools, versions or alternatives', (t) => {
  t.deepEqual(goBuildDependencies(runcShowsrc), [
    'golang-dbus-dev',
    'golang-github-checkpoint-restore-go-criu-dev',
    'golang-github-urfave-cli-dev',
    'golang-golang-x-sys-dev',
  ]);
});

test('a showsrc record without Build-Depends is an error, not an empty list', (t) => {
  t.throws(() => goBuildDependencies('Package: x\nVersion: 1\n'), { message: /no Build-Depends field/ });
});

test('the provider of a virtual package is read from apt-cache showpkg', (t) => {
  const showpkg = [
    'Package: golang-github-opencontainers-runtime-spec-dev',
    'Versions: ',
    '',
    'Reverse Depends: ',
    '  golang-github-intel-goresctrl-dev,golang-github-opencontainers-runtime-spec-dev',
    'Dependencies: ',
    'Provides: ',
    'Reverse Provides: ',
    'golang-github-opencontainers-specs-dev 1.0.2.118.g5cfc4c3-1 (= )',
    '',
  ].join('\n');
  t.deepEqual(reverseProvides(showpkg), ['golang-github-opencontainers-specs-dev']);
  t.deepEqual(reverseProvides('Package: x\nReverse Provides: \n'), []);
});
