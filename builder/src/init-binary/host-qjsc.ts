/**
 * QuickJS's bytecode compiler for the build host. Bytecode is only readable
 * by the QuickJS version that wrote it, so qjsc is built from the very source
 * tree the init's engine is compiled from.
 */
import { join } from 'node:path';
import type { Progress } from '../progress.ts';
import { cacheKey, cacheRoot } from '../io/cache.ts';
import { run } from '../io/exec.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { compileAll, compilerVersion } from '../io/compiler.ts';
import { hashQuickjsSources, quickjsDefines, quickjsLibrarySources, readQuickjsVersion } from './quickjs-source.ts';

/**
 * Builds QuickJS's bytecode compiler `qjsc` for the build host with the host's
 * `gcc`, cached under `<cacheRoot>/runtime/qjsc-<key>/qjsc`. Bytecode does not
 * depend on the architecture, so one host qjsc serves every target.
 *
 *   const qjsc = await buildHostQjsc({ quickjsDir, progress });
 *
 * Returns the path of the executable. Throws a CommandError when gcc fails.
 */
export async function buildHostQjsc(options: { quickjsDir: string; progress: Progress }): Promise<string> {
  const { quickjsDir, progress } = options;
  const cc = 'gcc';
  const version = await readQuickjsVersion(quickjsDir);
  // CONFIG_CC/CONFIG_PREFIX only matter for qjsc's own executable output, unused here.
  const flags = ['-O2', '-fwrapv', '-w', ...quickjsDefines(version), '-DCONFIG_CC="gcc"', '-DCONFIG_PREFIX="/usr/local"'];
  const key = cacheKey('qjsc', await hashQuickjsSources(quickjsDir, ['qjsc.c']), await compilerVersion(cc), ...flags);
  const dir = join(cacheRoot(), 'runtime', `qjsc-${key}`);
  progress.step('build qjsc for the host');
  const { hit } = await cachedDir(dir, async (work) => {
    const sources = ['qjsc.c', ...quickjsLibrarySources];
    const objects = sources.map((name) => join(work, name.replace(/\.c$/, '.o')));
    await compileAll(
      cc,
      sources.map((name, i) => ({ source: join(quickjsDir, name), output: objects[i]!, flags })),
      progress,
    );
    await run(cc, ['-o', join(work, 'qjsc'), ...objects, '-lm', '-lpthread', '-ldl']);
  });
  progress.done(hit ? 'cached' : 'built');
  return join(dir, 'qjsc');
}
