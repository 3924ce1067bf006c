/**
 * Compiles Debian 12's OpenSSL source for a target (openssl-recipe.ts) and
 * caches the static libraries and headers under `<cache>/openssl/` by target,
 * recipe, source version and compiler: the first build takes minutes on two
 * cores, every later one nothing.
 *
 *   const ssl = await buildOpenssl(mips, { progress });
 *   ssl.includeDir;   // .../include (openssl/ssl.h, openssl/configuration.h, ...)
 *   ssl.libDir;       // .../lib (libssl.a, libcrypto.a)
 *   ssl.extraLibs;    // what a program linking them statically needs after them, e.g. ['-pthread', '-latomic']
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { fetchDebianSource } from '../debian/source.ts';
import { cacheKey, cacheRoot } from '../io/cache.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { compilerVersion } from '../io/compiler.ts';
import { run } from '../io/exec.ts';
import type { Progress } from '../progress.ts';
import { opensslConfigureArgs, opensslLibraries, opensslMakeGoal, opensslRecipeFingerprint, opensslRelease } from './openssl-recipe.ts';

/** Bump when the build below changes in a way that changes the output. */
const recipeVersion = '1';

/** One build of OpenSSL for a target, ready to link against. */
export interface BuiltOpenssl {
  /** Debian version of the source, e.g. `3.0.17-1~deb12u2`. */
  version: string;
  includeDir: string;
  libDir: string;
  /** Libraries the static ones need, from OpenSSL's EX_LIBS for the target (`-ldl`, `-pthread`, `-latomic`). */
  extraLibs: string[];
  cached: boolean;
}

const extraLibsFile = 'ex-libs';

/**
 * What a program linking the static libraries needs after them, from the
 * configured Makefile: the target's own (CNF_EX_LIBS, e.g. -latomic on 32-bit
 * ARM, x86 and MIPS, whose 64-bit atomics are library calls) and the
 * configuration's (EX_LIBS).
 */
export function extraLibsOf(makefile: string): string[] {
  const line = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(makefile)?.[1] ?? '';
  return [...new Set(`${line('CNF_EX_LIBS')} ${line('EX_LIBS')}`.split(/\s+/).filter(Boolean))];
}

/** Returns OpenSSL for `target`, compiling it when the cache lacks it. Throws naming the step that failed. */
export async function buildOpenssl(target: Pick<Target, 'name' | 'triplet' | 'cflags'>, options: { progress: Progress }): Promise<BuiltOpenssl> {
  const { progress } = options;
  const source = await fetchDebianSource('openssl', { release: opensslRelease, progress });
  const key = cacheKey('openssl', recipeVersion, opensslRecipeFingerprint(target), source.version, await compilerVersion(`${target.triplet}-gcc`));
  const { dir, hit } = await cachedDir(join(cacheRoot(), 'openssl', `${target.name}-${key}`), (work) => compileOpenssl(target, source, work, progress));
  if (hit) {
    progress.step(`OpenSSL ${source.version} for ${target.name} from the cache`);
    progress.done();
  }
  const extraLibs = (await readFile(join(dir, extraLibsFile), 'utf8')).split(/\s+/).filter(Boolean);
  return { version: source.version, includeDir: join(dir, 'include'), libDir: join(dir, 'lib'), extraLibs, cached: hit };
}

/**
 * Configures and builds a copy of `source` under `work/build` (removed
 * afterwards), leaving `work/include/openssl/`, `work/lib/` and the EX_LIBS
 * line. No cache: buildOpenssl's cache and the reproducibility test both call it.
 */
export async function compileOpenssl(target: Pick<Target, 'name' | 'triplet' | 'cflags'>, source: { dir: string; version: string }, work: string, progress: Progress): Promise<void> {
  progress.step(`build OpenSSL ${source.version} for ${target.name} (static libraries)`);
  const build = join(work, 'build');
  // OpenSSL builds in its tree with relative paths (nothing of the build folder reaches the libraries): a copy keeps the cached source pristine.
  await cp(source.dir, build, { recursive: true, verbatimSymlinks: true });
  // No SOURCE_DATE_EPOCH of the image here: the libraries are cached across images, so their "built on" date is fixed.
  const env = { ...process.env, LC_ALL: 'C', SOURCE_DATE_EPOCH: '0' };
  const step = async (what: string, command: string, args: string[], onLine?: (line: string) => void) => {
    try {
      await run(command, args, { cwd: build, env, onLine });
    } catch (error) {
      throw new Error(`failed to build OpenSSL ${source.version} for ${target.name}: ${what}`, { cause: error });
    }
  };
  await step(`./Configure ${opensslConfigureArgs(target).join(' ')}`, 'perl', ['./Configure', ...opensslConfigureArgs(target)]);
  let objects = 0;
  await step(`make ${opensslMakeGoal}`, 'make', [`-j${availableParallelism()}`, opensslMakeGoal], (line) => {
    // About 1,100 objects for libcrypto and libssl; the total is a guide for the bar, not a promise.
    const object = /-c -o (\S+)\.o\b/.exec(line)?.[1];
    if (object) progress.update(++objects, Math.max(1150, objects + 1), object);
  });
  await mkdir(join(work, 'lib'), { recursive: true });
  for (const library of opensslLibraries) await cp(join(build, library), join(work, 'lib', library));
  // Public headers, and those Configure generated (configuration.h, opensslv.h, ...) in the same folder.
  await cp(join(build, 'include', 'openssl'), join(work, 'include', 'openssl'), { recursive: true, filter: (path) => !path.endsWith('.in') });
  await writeFile(join(work, extraLibsFile), `${extraLibsOf(await readFile(join(build, 'Makefile'), 'utf8')).join(' ')}\n`);
  await rm(build, { recursive: true, force: true });
  progress.done();
}
