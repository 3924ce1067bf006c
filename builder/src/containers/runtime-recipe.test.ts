import test from 'ava';
import { mips } from '../../../targets/mips.ts';
import { mips64 } from '../../../targets/mips64.ts';
import { x86_64 } from '../../../targets/x86_64.ts';
import { commandBinary, goLdflags, goTargetEnv, recipeFingerprint, runtimePrograms, upstreamVersion } from './runtime-recipe.ts';

test('each target has its GOARCH: mips and mips64 hard-float (their kernels have FP or emulate it)', (t) => {
  t.deepEqual(goTargetEnv(mips), { GOARCH: 'mips', GOMIPS: 'hardfloat' });
  t.deepEqual(goTargetEnv(mips64), { GOARCH: 'mips64', GOMIPS64: 'hardfloat' });
  t.deepEqual(goTargetEnv(x86_64), { GOARCH: 'amd64', GOAMD64: 'v1' });
  t.throws(() => goTargetEnv({ name: 'sparc' }), { message: /no Go target for "sparc": expected one of x86_64\|i386\|armv7\|aarch64\|mips\|mipsel\|mips64\|mips64el/ });
});

test('the runtime is the binaries an image runs, at the paths of Debian\'s packages', (t) => {
  const paths = (privateNetwork: boolean) =>
    runtimePrograms({ privateNetwork }).flatMap((set) => set.commands.map((command) => `${set.installTo}/${commandBinary(command)}`));
  t.deepEqual(paths(false), ['/usr/bin/containerd', '/usr/bin/containerd-shim-runc-v2']);
  t.deepEqual(paths(true).slice(2), ['/usr/lib/cni/bridge', '/usr/lib/cni/host-local', '/usr/lib/cni/loopback']);
});

test('ctr is containerd\'s program under another name: a file added to cmd/containerd and a symlink', (t) => {
  const [containerd] = runtimePrograms({ privateNetwork: false });
  t.deepEqual(containerd!.links, [{ name: 'ctr', target: 'containerd' }]);
  const [added] = containerd!.addFiles!;
  t.is(added!.path, 'cmd/containerd/imago_ctr.go');
  t.regex(added!.contents, /^package main$/m);
  t.regex(added!.contents, /filepath\.Base\(os\.Args\[0\]\) != "ctr"/);
  // Part of the cache key: a changed file compiles anew.
  t.true(recipeFingerprint(mips, [containerd!]).includes('imago_ctr.go'));
});

test('containerd drops the cgo snapshotters and the CRI plugin', (t) => {
  const sets = runtimePrograms({ privateNetwork: true });
  const containerd = sets.find((set) => set.source === 'containerd')!;
  for (const tag of ['no_btrfs', 'no_cri', 'no_devmapper', 'no_zfs', 'no_aufs']) t.true(containerd.tags.includes(tag), tag);
});

test('ldflags strip, clear the build id and set Debian\'s version strings', (t) => {
  const [containerd] = runtimePrograms({ privateNetwork: false });
  t.is(upstreamVersion('1.6.20~ds1-1+deb12u3'), '1.6.20~ds1');
  t.is(upstreamVersion('1:1.35.0-4+deb12u1'), '1.35.0');
  t.is(
    goLdflags(containerd!, '1.6.20~ds1-1+deb12u3'),
    '-s -w -buildid= -X github.com/containerd/containerd/version.Version=1.6.20~ds1 -X github.com/containerd/containerd/version.Revision=1.6.20~ds1-1+deb12u3',
  );
});

test('the recipe fingerprint differs by target and by the program list, so cache entries never mix', (t) => {
  const plain = runtimePrograms({ privateNetwork: false });
  t.not(recipeFingerprint(mips, plain), recipeFingerprint(mips64, plain));
  t.not(recipeFingerprint(mips, plain), recipeFingerprint(mips, runtimePrograms({ privateNetwork: true })));
  t.is(recipeFingerprint(mips, plain), recipeFingerprint(mips, runtimePrograms({ privateNetwork: false })));
});
