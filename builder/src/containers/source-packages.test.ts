import test from 'ava';
import { mips } from '../../../targets/mips.ts';
import { mips64 } from '../../../targets/mips64.ts';
import { x86_64 } from '../../../targets/x86_64.ts';
import { packageUsersRows } from '../plan/package-users.ts';
import { builtOutputs, mosquittoMakeVariables, mosquittoRecipeFingerprint, needsSourcePackages, sourceBuiltPackage, sourceBuiltPackageNames } from './source-packages.ts';

test('the table names the packages images/edge.yml lists, and nothing else', (t) => {
  t.deepEqual(sourceBuiltPackageNames(), ['busybox-static', 'mosquitto', 'mosquitto-clients']);
  t.is(sourceBuiltPackage('libssl3'), undefined);
});

test('each package installs its programs at the paths Debian\'s package has them', (t) => {
  const paths = (name: string) => sourceBuiltPackage(name)!.files.map((file) => file.path);
  t.deepEqual(paths('mosquitto'), ['/usr/sbin/mosquitto', '/etc/mosquitto/mosquitto.conf']);
  t.deepEqual(paths('mosquitto-clients'), ['/usr/bin/mosquitto_pub', '/usr/bin/mosquitto_sub', '/usr/bin/mosquitto_rr']);
  t.deepEqual(paths('busybox-static'), ['/bin/busybox']);
  t.is(sourceBuiltPackage('mosquitto')!.files[1]!.fromSource, 'debian/mosquitto.conf', "the broker's default configuration is Debian's");
});

test('broker and clients come from one build of the mosquitto source', (t) => {
  t.is(sourceBuiltPackage('mosquitto')!.source, 'mosquitto');
  t.is(sourceBuiltPackage('mosquitto-clients')!.source, 'mosquitto');
  t.deepEqual(builtOutputs('mosquitto'), ['client/mosquitto_pub', 'client/mosquitto_rr', 'client/mosquitto_sub', 'src/mosquitto']);
});

test('every user a built package needs is one the package-users table creates', (t) => {
  for (const name of sourceBuiltPackageNames()) {
    const made = packageUsersRows([name]).flatMap((row) => (row.users ?? []).map((user) => user.name));
    t.deepEqual(made, [...sourceBuiltPackage(name)!.users], name);
  }
  t.deepEqual(sourceBuiltPackage('mosquitto')!.users, ['mosquitto']);
});

test('mosquitto is built static with the target cross compiler, and TLS, libsystemd, libwrap, websockets and cJSON off', (t) => {
  const variables = mosquittoMakeVariables(mips64, '/tmp/mosquitto-build');
  t.true(variables.includes('CC=mips64-linux-gnuabi64-gcc'));
  t.true(variables.includes('LDFLAGS=-static'));
  for (const off of ['WITH_TLS', 'WITH_SYSTEMD', 'WITH_WRAP', 'WITH_WEBSOCKETS', 'WITH_CJSON', 'WITH_SHARED_LIBRARIES', 'WITH_DOCS']) t.true(variables.includes(`${off}=no`), off);
  t.true(variables.includes('WITH_STATIC_LIBRARIES=yes'), 'the clients link the static libmosquitto');
  t.regex(variables.find((v) => v.startsWith('CFLAGS='))!, /-ffile-prefix-map=\/tmp\/mosquitto-build=mosquitto/, 'the build folder does not reach the binaries');
  t.deepEqual(sourceBuiltPackage('mosquitto')!.without.slice(0, 5), ['tls', 'websockets', 'systemd', 'libwrap', 'dlt'], 'the manifest says what is missing');
});

test('the cache key changes with the target but not with the build folder', (t) => {
  t.not(mosquittoRecipeFingerprint(mips), mosquittoRecipeFingerprint(mips64));
  t.false(mosquittoRecipeFingerprint(mips).includes('/work'));
});

test('only targets without Debian binaries use the table', (t) => {
  t.true(needsSourcePackages(mips));
  t.true(needsSourcePackages(mips64));
  t.false(needsSourcePackages(x86_64));
});
