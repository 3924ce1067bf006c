import test from 'ava';
import { formatPlatform, ociPlatform, platformMatches } from './oci-platform.ts';

const cases: [string, string][] = [
  ['amd64', 'linux/amd64'],
  ['i386', 'linux/386'],
  ['armhf', 'linux/arm/v7'],
  ['arm64', 'linux/arm64'],
  ['mipsel', 'linux/mipsle'],
  ['mips64el', 'linux/mips64le'],
];

for (const [debian, oci] of cases) {
  test(`Debian ${debian} is ${oci}`, (t) => t.is(formatPlatform(ociPlatform(debian)), oci));
}

test('an architecture without containers is named in the error', (t) => {
  t.throws(() => ociPlatform('mips'), { message: /no OCI platform for Debian architecture mips/ });
});

test('matching: arm64 without variant, arm up to v7, never another architecture', (t) => {
  t.true(platformMatches({ os: 'linux', architecture: 'arm64', variant: 'v8' }, ociPlatform('arm64')));
  t.true(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, ociPlatform('armhf')));
  t.false(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v8' }, ociPlatform('armhf')));
  t.false(platformMatches({ os: 'linux', architecture: 'arm64' }, ociPlatform('amd64')));
  t.false(platformMatches({ os: 'windows', architecture: 'amd64' }, ociPlatform('amd64')));
});
