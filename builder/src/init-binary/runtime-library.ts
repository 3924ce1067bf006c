/**
 * QuickJS's engine compiled for one target as a static library. It is the
 * slow part of the init binary and changes only with QuickJS or the
 * compiler, so it is cached apart from the init's own code.
 */
import { join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import type { Progress } from '../progress.ts';
import { cacheKey, cacheRoot } from '../io/cache.ts';
import { run } from '../io/exec.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { compileAll, compilerVersion } from '../io/compiler.ts';
import { hashQuickjsSources, quickjsDefines, quickjsLibrarySources, readQuickjsVersion } from './quickjs-source.ts';
import { type Optimize, prefixMap, runtimeCflags, targetCompiler } from './runtime-flags.ts';

export interface RuntimeLibraryOptions {
  target: Target;
  quickjsDir: string;
  optimize: Optimize;
  progress: Progress;
}

/** The built library and the key it is cached under (part of later cache keys). */
export interface RuntimeLibrary {
  path: string;
  key: string;
}

/**
 * Compiles QuickJS's runtime (engine, regexp, unicode, dtoa, std/os modules)
 * for `target` with `<triplet>-gcc` into a static `libquickjs.a`, cached under
 * `<cacheRoot>/runtime/quickjs-<triplet>-<key>/`. The key covers the sources,
 * the flags and the compiler's version, not the source directory's path
 * (which the prefix map removes from the objects).
 *
 *   const lib = await buildRuntimeLibrary({ target: x86_64, quickjsDir, optimize: 'O2', progress });
 *
 * Throws a CommandError when gcc or ar fails.
 */
export async function buildRuntimeLibrary(options: RuntimeLibraryOptions): Promise<RuntimeLibrary> {
  const { target, quickjsDir, progress } = options;
  const cc = targetCompiler(target);
  const version = await readQuickjsVersion(quickjsDir);
  // -w: QuickJS's own warnings are not ours to fix, and would drown progress output.
  const flags = [...runtimeCflags(target, options.optimize), '-w', ...quickjsDefines(version)];
  const key = cacheKey('libquickjs', await hashQuickjsSources(quickjsDir), target.triplet, await compilerVersion(cc), ...flags);
  const dir = join(cacheRoot(), 'runtime', `quickjs-${target.triplet}-${key}`);
  progress.step(`compile QuickJS ${version} (${target.name})`);
  const { hit } = await cachedDir(dir, async (work) => {
    const objects = quickjsLibrarySources.map((name) => join(work, name.replace(/\.c$/, '.o')));
    await compileAll(
      cc,
      quickjsLibrarySources.map((name, i) => ({
        source: join(quickjsDir, name),
        output: objects[i]!,
        flags: [...flags, prefixMap(quickjsDir, 'quickjs')],
      })),
      progress,
    );
    // D: deterministic archive (zero timestamps, uids and modes).
    await run(`${target.triplet}-ar`, ['rcsD', join(work, 'libquickjs.a'), ...objects]);
  });
  progress.done(hit ? 'cached' : 'built');
  return { path: join(dir, 'libquickjs.a'), key };
}
