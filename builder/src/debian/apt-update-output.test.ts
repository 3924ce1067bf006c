import test from 'ava';
import { classifyAptUpdate, suiteOf } from './apt-update-output.ts';

const sizeMismatch =
  'E: Failed to fetch file:/srv/mirror/debian/dists/bookworm-updates/main/binary-armhf/Packages.xz  File has unexpected size (20536 != 20512). Mirror sync in progress? [IP: 10.0.0.1 80]\n' +
  '   Hashes of expected file:\n    - Filesize:20512 [weak]\n    - SHA256:0f3c\n   Release file created at: Sat, 28 Nov 2026 08:14:02 +0000\n' +
  'E: Some index files failed to download. They have been ignored, or old ones used instead.\n';

const hashMismatch =
  'E: Failed to fetch file:/srv/mirror/debian-security/dists/bookworm-security/main/binary-i386/by-hash/SHA256/9a1b  Hash Sum mismatch\n' +
  '   Hashes of expected file:\n    - SHA256:9a1b\n' +
  'E: Failed to fetch file:/srv/mirror/debian/dists/bookworm-updates/main/binary-i386/Packages.xz  Hash Sum mismatch\n';

const cases: { name: string; stderr: string; exitedOk?: boolean; expected: ReturnType<typeof classifyAptUpdate> }[] = [
  { name: 'a clean update', stderr: '', expected: { kind: 'ok' } },
  { name: 'a notice that is not a failure', stderr: 'N: Repository changed its Suite value\n', expected: { kind: 'ok' } },
  {
    name: 'an index of unexpected size (mirror mid-sync)',
    stderr: sizeMismatch,
    exitedOk: false,
    expected: { kind: 'mirror-sync', suites: ['bookworm-updates'], reason: 'File has unexpected size (20536 != 20512). Mirror sync in progress?' },
  },
  {
    name: 'hash sum mismatches in two suites, one by-hash',
    stderr: hashMismatch,
    exitedOk: false,
    expected: { kind: 'mirror-sync', suites: ['bookworm-security', 'bookworm-updates'], reason: 'Hash Sum mismatch' },
  },
  {
    name: 'a W: line for a sync problem while apt exits 0',
    stderr: 'W: Failed to fetch file:/srv/mirror/debian/dists/bookworm/main/binary-armhf/Packages.xz  File has unexpected size (1 != 2). Mirror sync in progress?\nW: Some index files failed to download.\n',
    expected: { kind: 'mirror-sync', suites: ['bookworm'], reason: 'File has unexpected size (1 != 2). Mirror sync in progress?' },
  },
  {
    name: 'an unreachable mirror is not a sync',
    stderr: "E: Failed to fetch file:/srv/mirror/debian/dists/bookworm/InRelease  Could not resolve 'mirror'\n",
    exitedOk: false,
    expected: { kind: 'failed', reason: "Could not resolve 'mirror'" },
  },
  { name: 'a non-zero exit without E: lines', stderr: 'flock: cannot open lock file\n', exitedOk: false, expected: { kind: 'failed', reason: 'flock: cannot open lock file' } },
];

for (const { name, stderr, exitedOk, expected } of cases) {
  test(`classifyAptUpdate: ${name}`, (t) => {
    t.deepEqual(classifyAptUpdate(stderr, exitedOk), expected);
  });
}

test('suiteOf reads the suite after /dists/', (t) => {
  t.is(suiteOf('E: Failed to fetch file:/srv/mirror/debian/dists/bookworm/updates/main/x'), 'bookworm');
  t.is(suiteOf('E: Failed to fetch file:/srv/mirror/debian-security/dists/bookworm-security/InRelease'), 'bookworm-security');
  t.is(suiteOf('E: something else'), undefined);
});
