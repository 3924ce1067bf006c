import test from 'ava';
import { mips } from '../../../targets/mips.ts';
import { mips64 } from '../../../targets/mips64.ts';
import { x86_64 } from '../../../targets/x86_64.ts';
import { packageUsersRows } from '../plan/package-users.ts';
import { builtOutputs, mosquittoMakeVariables, mosquittoRecipeFingerprint, buildsFromSource, sourceBuiltPackage, sourceBuiltPackageNames } from './source-packages.ts';

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

const openssl = { includeDir: '/tmp/openssl-build/include', libDir: '/tmp/openssl-build/lib', extraLibs: ['-ldl', '-pthread', '-latomic'] };

test('mosquitto is built static with the target cross compiler against OpenSSL, and libsystemd, libwrap, websockets and cJSON off', (t) => {
  const variables = mosquittoMakeVariables(mips64, '/tmp/mosquitto-build', openssl);
  t.true(variables.includes('CC=mips64-linux-gnuabi64-gcc'));
  t.true(variables.includes('LDFLAGS=-static -Wl,--gc-sections -L/tmp/openssl-build/lib'));
  for (const on of ['WITH_TLS', 'WITH_TLS_PSK', 'WITH_EC']) t.true(variables.includes(`${on}=yes`), on);
  for (const off of ['WITH_SYSTEMD', 'WITH_WRAP', 'WITH_WEBSOCKETS', 'WITH_CJSON', 'WITH_SHARED_LIBRARIES', 'WITH_DOCS']) t.true(variables.includes(`${off}=no`), off);
  t.true(variables.includes('WITH_STATIC_LIBRARIES=yes'), 'the clients link the static libmosquitto');
  // After -lssl -lcrypto on the link lines: the broker's LDADD, the static clients' CLIENT_STATIC_LDADD.
  t.true(variables.includes('LDADD=-ldl -pthread -latomic'));
  t.true(variables.includes('CLIENT_STATIC_LDADD=-ldl -pthread -latomic'));
  const cflags = variables.find((v) => v.startsWith('CFLAGS='))!;
  t.regex(cflags, /-ffile-prefix-map=\/tmp\/mosquitto-build=mosquitto/, 'the build folder does not reach the binaries');
  t.regex(cflags, /-ffile-prefix-map=\/tmp\/openssl-build=openssl -I\/tmp\/openssl-build\/include/, "nor OpenSSL's");
  t.deepEqual(sourceBuiltPackage('mosquitto')!.without.slice(0, 4), ['websockets', 'systemd', 'libwrap', 'dlt'], 'the manifest says what is missing');
  t.false(sourceBuiltPackage('mosquitto')!.without.includes('tls'));
});

test('the cache key changes with the target and with what OpenSSL needs linked, but not with the build folders', (t) => {
  t.not(mosquittoRecipeFingerprint(mips, openssl), mosquittoRecipeFingerprint(mips64, openssl));
  t.not(mosquittoRecipeFingerprint(mips, openssl), mosquittoRecipeFingerprint(mips, { extraLibs: ['-ldl', '-pthread'] }));
  t.false(mosquittoRecipeFingerprint(mips, openssl).includes('/tmp'));
});

test('packages are compiled from source where Debian has no binaries, and wherever a container asks', (t) => {
  t.true(buildsFromSource({}, mips));
  t.true(buildsFromSource({}, mips64));
  t.false(buildsFromSource({}, x86_64));
  t.true(buildsFromSource({ from_source: true }, x86_64));
  t.true(buildsFromSource({ from_source: false }, mips), 'mips has nothing else');
});
