/**
 * qjsc built for a big-endian target and run under QEMU user emulation; see
 * the comment of buildTargetQjsc for why the host's qjsc will not do there.
 */
import { join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { cacheKey, cacheRoot } from '../io/cache.ts';
import { run } from '../io/exec.ts';
import type { Progress } from '../progress.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { compilerVersion } from '../io/compiler.ts';
import { hashQuickjsSources, quickjsDefines, readQuickjsVersion } from './quickjs-source.ts';
import type { RuntimeLibrary } from './runtime-library.ts';
import { targetCompiler } from './runtime-flags.ts';

/**
 * Builds `qjsc` for a big-endian target (static, against the target's QuickJS
 * library) and returns the command that runs it under QEMU user emulation.
 *
 * Why: qjsc compiles regular expression literals into libregexp bytecode at
 * compile time and stores it as an opaque string, which JS_ReadObject does
 * not byte-swap. Compiled on a little-endian host, every regex literal is
 * garbage on mips/mips64 (PID 1 died with SIGSEGV in lre_exec_backtrack).
 * A qjsc running as the target writes the regex bytecode in the target's
 * byte order; the rest of the bytecode is little-endian either way.
 *
 *   const qjsc = await buildTargetQjsc({ target: mips, quickjsDir, library, progress });
 *   // ['qemu-mips-static', '~/.cache/imago/runtime/qjsc-mips-linux-gnu-.../qjsc']
 *
 * Throws a CommandError when gcc fails.
 */
export async function buildTargetQjsc(options: { target: Target; quickjsDir: string; library: RuntimeLibrary; progress: Progress }): Promise<string[]> {
  const { target, quickjsDir, library, progress } = options;
  const cc = targetCompiler(target);
  const version = await readQuickjsVersion(quickjsDir);
  const flags = ['-O2', '-fwrapv', '-w', ...quickjsDefines(version), '-DCONFIG_CC="gcc"', '-DCONFIG_PREFIX="/usr/local"'];
  const libs = ['-lm', '-lpthread', '-ldl', ...target.libs];
  const key = cacheKey('target-qjsc', library.key, await hashQuickjsSources(quickjsDir, ['qjsc.c']), await compilerVersion(cc), ...flags, ...libs);
  const dir = join(cacheRoot(), 'runtime', `qjsc-${target.triplet}-${key}`);
  progress.step(`build qjsc for ${target.name} (run under ${target.qemu.userBinary})`);
  const { hit } = await cachedDir(dir, async (work) => {
    await run(cc, [...flags, '-c', join(quickjsDir, 'qjsc.c'), '-o', join(work, 'qjsc.o')]);
    await run(cc, ['-static', '-o', join(work, 'qjsc'), join(work, 'qjsc.o'), library.path, ...libs]);
  });
  progress.done(hit ? 'cached' : 'built');
  return [target.qemu.userBinary, join(dir, 'qjsc')];
}
