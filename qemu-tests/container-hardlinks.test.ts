/**
 * Hard links in a real container image: the image of qemu-tests/container-hardlinks/
 * holds a container built from Debian's perl-base, where /usr/bin/perl and
 * /usr/bin/perl5.36.0 are one file. On the host, the prepared root filesystem
 * in the initrd has them as one inode; in the guest (x86_64, one boot), perl
 * runs from it and sees both names as one inode. (GNU tar extracting the
 * image's layer is write-tar.test.ts's.)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { readInitrd } from '../builder/src/archive/decompress.ts';
import { preparedRootfsPath } from '../builder/src/containers/names.ts';
import { buildScenario } from './build-scenario.ts';
import { TCG_TIMEOUTS, withImage } from './harness.ts';

/** containerd's start and runc under emulation. */
const RUN_MS = 600_000;

test.serial('x86_64: a perl-base container keeps its hard links in the prepared root, and perl runs', async (t) => {
  const dir = await buildScenario('container-hardlinks', 'x86_64');
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  t.true(manifest.containers[0].packages.some((p: { name: string }) => p.name === 'perl-base'));

  // A built image is stored as its root filesystem: the two names are one cpio inode, unpacked once by the kernel.
  const records = await readInitrd(join(dir, 'initrd.img'));
  const root = preparedRootfsPath('perl').slice(1);
  const named = (path: string) => records.find((record) => record.name.replace(/^\/+/, '') === `${root}/${path}`);
  const [perl, versioned] = [named('usr/bin/perl'), named('usr/bin/perl5.36.0')];
  if (!perl || !versioned) throw new Error(`${root}/usr/bin/perl or perl5.36.0 is not in the initrd`);
  t.is(perl.ino, versioned.ino, 'perl and perl5.36.0 are one inode in the initrd');
  t.is(perl.nlink, 2);

  await withImage(
    dir,
    async (vm) => {
      const line = await vm.expect(/PERL ok 5\.36\.\d+ nlink=2 same-inode=yes/, RUN_MS);
      t.log(`perl ran in its container ${(line.ms / 1000).toFixed(1)} s after QEMU started`);
    },
    { test: t, expectTimeoutMs: TCG_TIMEOUTS.expectMs },
  );
});
