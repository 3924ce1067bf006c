import test from 'ava';
import { mips } from '../../../targets/mips.ts';
import { mips64 } from '../../../targets/mips64.ts';
import { mips64el } from '../../../targets/mips64el.ts';
import { formatPlatform, ociPlatform, platformMatches, targetPlatform } from './oci-platform.ts';

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

test('mips and mips64, whose containerd is built from source, run linux/mips and linux/mips64 images; the others go by Debian architecture', (t) => {
  t.is(formatPlatform(targetPlatform(mips)), 'linux/mips');
  t.is(formatPlatform(targetPlatform(mips64)), 'linux/mips64');
  t.is(formatPlatform(targetPlatform(mips64el)), 'linux/mips64le');
  t.throws(() => targetPlatform({ name: 'sparc' }), { message: /no OCI platform for target sparc: expected one with a Debian architecture, or one of mips\|mips64/ });
});

test('matching: arm64 without variant, arm up to v7, never another architecture', (t) => {
  t.true(platformMatches({ os: 'linux', architecture: 'arm64', variant: 'v8' }, ociPlatform('arm64')));
  t.true(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, ociPlatform('armhf')));
  t.false(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v8' }, ociPlatform('armhf')));
  t.false(platformMatches({ os: 'linux', architecture: 'arm64' }, ociPlatform('amd64')));
  t.false(platformMatches({ os: 'windows', architecture: 'amd64' }, ociPlatform('amd64')));
});
