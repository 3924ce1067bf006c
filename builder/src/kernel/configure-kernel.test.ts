/**
 * Every architecture's fragments survive `make olddefconfig` on Debian's
 * linux-source-6.1 (about 10 s each; no compile). Architectures whose cross
 * compiler is not installed (kbuild's config step runs it) are listed in the
 * log and left out: `make test-matrix` installs them all.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { targets } from '../../../targets/index.ts';
import { silentProgress } from '../progress.ts';
import { kbuildEnv, mergeFragments } from './build-kernel.ts';
import { configureKernel } from './configure-kernel.ts';
import { readKernelFragments } from './kernel-fragments.ts';
import { kernelSource } from './kernel-source.ts';

const hasCompiler = (triplet: string) => ['/usr/bin', '/bin'].some((dir) => existsSync(join(dir, `${triplet}-gcc`)));

for (const target of Object.values(targets)) {
  test.serial(`${target.name}: kernel-config fragments survive olddefconfig`, async (t) => {
    if (!hasCompiler(target.triplet)) {
      t.log(`${target.triplet}-gcc is not installed (${target.compilerPackage}); not checked`);
      t.pass();
      return;
    }
    const source = await kernelSource(silentProgress);
    const build = await mkdtemp(join(tmpdir(), `imago-kconfig-${target.name}-`));
    try {
      const config = await configureKernel(target, source, mergeFragments(await readKernelFragments(target)), build, kbuildEnv(0));
      t.regex(config, /^CONFIG_BLK_DEV_INITRD=y$/m);
      t.regex(config, /^CONFIG_VIRTIO_NET=y$/m);
    } finally {
      await rm(build, { recursive: true, force: true });
    }
  });
}

test('a dropped option is named with the fragment to fix', async (t) => {
  const { mips } = targets;
  const source = await kernelSource(silentProgress);
  const build = await mkdtemp(join(tmpdir(), 'imago-kconfig-dropped-'));
  try {
    // VIRTIO_PCI needs PCI; without it olddefconfig drops the request.
    const requested = new Map([...mergeFragments(await readKernelFragments(mips!)), ['PCI', 'n']]);
    await t.throwsAsync(configureKernel(mips!, source, requested, build, kbuildEnv(0)), {
      message: /^kernel config for mips: \d+ requested option\(s\) did not survive olddefconfig .*CONFIG_VIRTIO_PCI=y \(got n\).*kernel-config\/mips\.config$/,
    });
  } finally {
    await rm(build, { recursive: true, force: true });
  }
});
