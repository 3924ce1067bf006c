/**
 * A kernel built from kernel-config/ is cached: building the mips kernel a
 * second time takes seconds and gives the same bytes. (The first build is the
 * cold one of `make test`, 10-15 minutes on two cores, unless already cached.)
 */
import test from 'ava';
import { buildKernel } from '../builder/src/kernel/build-kernel.ts';
import { silentProgress } from '../builder/src/progress.ts';
import { mips } from '../targets/mips.ts';

test('building the mips kernel twice reuses the cache the second time', async (t) => {
  const first = await buildKernel(mips, { sourceDateEpoch: 0, progress: silentProgress });
  const started = performance.now();
  const second = await buildKernel(mips, { sourceDateEpoch: 0, progress: silentProgress });
  const seconds = (performance.now() - started) / 1000;
  t.log(`first: ${first.cached ? 'cached' : 'built'}; second: ${seconds.toFixed(2)} s`);
  t.true(second.cached, 'the second build came from the cache');
  t.true(seconds < 30, `the second build took ${seconds.toFixed(1)} s`);
  t.deepEqual(second.image, first.image);
  t.regex(second.config, /^CONFIG_CPU_BIG_ENDIAN=y$/m);
  t.deepEqual(second.fragments, ['kernel-config/common.config', 'kernel-config/mips.config']);
});
