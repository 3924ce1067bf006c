import test from 'ava';
import { parseDebFilename, parsePrintUris } from './resolve.ts';
import { parseControlRecords, parseDependsNames } from './control-fields.ts';

// Shape of real `apt-get install --print-uris -qq` lines; the host is a placeholder.
const printUris = `'file:/srv/mirror/debian/pool/main/g/glibc/libc6_2.36-9%2bdeb12u14_amd64.deb' libc6_2.36-9+deb12u14_amd64.deb 2759320 MD5Sum:8d98f0c882f269aaee8437bcfe89346e
'file:/srv/mirror/debian/pool/main/a/attr/libattr1_2.5.1-4_amd64.deb' libattr1_1%3a2.5.1-4_amd64.deb 22164 MD5Sum:52fea1b13209029d52405624225a473e
'file:/srv/mirror/debian-security/pool/updates/main/o/openssl/libssl3_3.0.22-1%7edeb12u2_amd64.deb' libssl3_3.0.22-1~deb12u2_amd64.deb 2039888 
`;

test('parsePrintUris reads uri, file name and size, with or without a hash', (t) => {
  const planned = parsePrintUris(printUris);
  t.is(planned.length, 3);
  t.deepEqual(planned[1], {
    uri: 'file:/srv/mirror/debian/pool/main/a/attr/libattr1_2.5.1-4_amd64.deb',
    filename: 'libattr1_1%3a2.5.1-4_amd64.deb',
    size: 22164,
  });
  t.is(planned[2]!.size, 2039888);
});

const filenameCases = [
  { file: 'libc6_2.36-9+deb12u14_amd64.deb', expected: { name: 'libc6', version: '2.36-9+deb12u14', architecture: 'amd64' } },
  { file: 'busybox-static_1%3a1.35.0-4+deb12u1+b1_arm64.deb', expected: { name: 'busybox-static', version: '1:1.35.0-4+deb12u1+b1', architecture: 'arm64' } },
  { file: 'linux-base_4.12.1~deb12u1_all.deb', expected: { name: 'linux-base', version: '4.12.1~deb12u1', architecture: 'all' } },
];
for (const { file, expected } of filenameCases) {
  test(`parseDebFilename(${file})`, (t) => t.deepEqual(parseDebFilename(file), expected));
}

test('parseDebFilename rejects other names', (t) => {
  t.throws(() => parseDebFilename('busybox.tar.gz'), { message: /unexpected package file name/ });
});

test('parseControlRecords splits stanzas and joins continuation lines', (t) => {
  const records = parseControlRecords('Package: a\nVersion: 1\nDescription: short\n more\n\nPackage: b\nSHA256: ff\n');
  t.is(records.length, 2);
  t.is(records[0]!.get('Description'), 'short\nmore');
  t.is(records[1]!.get('SHA256'), 'ff');
});

test('parseDependsNames keeps the first alternative, drops versions and qualifiers', (t) => {
  t.deepEqual(
    parseDependsNames('linux-image-6.1.0-56-amd64 (= 6.1.192-2), initramfs-tools | linux-initramfs-tool, libc6:any (>= 2.36), foo [amd64]'),
    ['linux-image-6.1.0-56-amd64', 'initramfs-tools', 'libc6', 'foo'],
  );
});
