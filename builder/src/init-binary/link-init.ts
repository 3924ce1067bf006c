/**
 * The last step of the init binary: our C (main() and the imago:native
 * module) and the bytecode, linked statically with the QuickJS library. A
 * static binary needs nothing from the image, so PID 1 runs before anything
 * else is mounted.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import type { Progress } from '../progress.ts';
import { cacheKey, cacheRoot, sha256 } from '../io/cache.ts';
import { run } from '../io/exec.ts';
import { repoRoot } from './esbuild-init.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { compileAll, compilerVersion } from '../io/compiler.ts';
import type { RuntimeLibrary } from './runtime-library.ts';
import { type Optimize, prefixMap, runtimeCflags, targetCompiler } from './runtime-flags.ts';

/** Our C sources: main() and the `imago:native` module with its hashes and spawn. */
export const nativeDir = join(repoRoot, 'init', 'native');
const nativeSources = ['main.c', 'imago-native.c', 'imago-hash.c', 'imago-spawn.c'];
const nativeHeaders = ['imago-native.h', 'imago-hash.h', 'imago-spawn.h'];

export interface LinkInitOptions {
  target: Target;
  quickjsDir: string;
  library: RuntimeLibrary;
  /** C source of the bytecode, from compileBytecode. */
  bytecodeC: string;
  optimize: Optimize;
  progress: Progress;
}

/**
 * Compiles main.c, imago-native.c (with imago-hash.c and imago-spawn.c) and
 * the bytecode for `target` and links them with the QuickJS library into one
 * static, stripped executable. The result is cached under
 * `<cacheRoot>/runtime/init-<triplet>-<key>/init` by a key of every input, and
 * is byte-identical for identical inputs (no dates, no paths: sources and work
 * directory are prefix-mapped, symbols stripped).
 *
 *   const binary = await linkInit({ target, quickjsDir, library, bytecodeC, optimize: 'O2', progress });
 *
 * Returns the executable's bytes. Throws a CommandError when gcc fails.
 */
export async function linkInit(options: LinkInitOptions): Promise<Uint8Array> {
  const { target, quickjsDir, library, progress } = options;
  const cc = targetCompiler(target);
  const cflags = [...runtimeCflags(target, options.optimize), '-Wall', '-Wno-unused-parameter', '-I', quickjsDir, '-I', nativeDir];
  const ldflags = ['-static', '-Wl,--gc-sections', '-s'];
  const libs = ['-lm', '-lpthread', '-ldl', ...target.libs];
  const sourceHashes = await Promise.all(
    [...nativeSources, ...nativeHeaders].map(async (name) => `${name}:${sha256(await readFile(join(nativeDir, name)))}`),
  );
  const key = cacheKey(
    'init',
    library.key,
    sha256(options.bytecodeC),
    ...sourceHashes,
    await compilerVersion(cc),
    ...cflags.filter((flag) => flag !== quickjsDir),
    ...ldflags,
    ...libs,
  );
  const dir = join(cacheRoot(), 'runtime', `init-${target.triplet}-${key}`);
  progress.step(`link init (${target.name})`);
  const { hit } = await cachedDir(dir, async (work) => {
    await writeFile(join(work, 'init_bytecode.c'), options.bytecodeC);
    const sources = [...nativeSources.map((name) => join(nativeDir, name)), join(work, 'init_bytecode.c')];
    const objects = sources.map((source) => join(work, source.replace(/^.*\//, '').replace(/\.c$/, '.o')));
    const mapped = [...cflags, prefixMap(nativeDir, 'native'), prefixMap(quickjsDir, 'quickjs'), prefixMap(work, 'build')];
    await compileAll(cc, sources.map((source, i) => ({ source, output: objects[i]!, flags: mapped })), progress);
    // The library comes after our objects so the linker pulls in what they use.
    await run(cc, [...ldflags, '-o', join(work, 'init'), ...objects, library.path, ...libs]);
  });
  progress.done(hit ? 'cached' : 'linked');
  return new Uint8Array(await readFile(join(dir, 'init')));
}
