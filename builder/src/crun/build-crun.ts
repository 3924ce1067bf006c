/**
 * Compiles crun from Debian 12's source for a target, against libcap built
 * from Debian 12's libcap2 source (crun-recipe.ts says how and why), and
 * caches the stripped static program under `<cache>/crun/` by target, recipe,
 * both source versions and compiler: about a minute on two cores the first
 * time, nothing after.
 *
 *   const crun = await buildCrun(mips, { progress });
 *   crun.binary;   // the static big-endian MIPS crun, for /usr/bin/crun
 */
import { cp, readFile, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { fetchDebianSource, type DebianSource } from '../debian/source.ts';
import { cacheKey, cacheRoot } from '../io/cache.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { compilerVersion } from '../io/compiler.ts';
import { run } from '../io/exec.ts';
import type { Progress } from '../progress.ts';
import { crunConfigureArgs, crunMakeSteps, crunRecipeFingerprint, crunRelease, libcapMakeArgs } from './crun-recipe.ts';

/** Bump when the build below changes in a way that changes the output. */
const recipeVersion = '1';

/** One build of crun for a target. */
export interface BuiltCrun {
  binary: Uint8Array;
  /** Debian source packages compiled in, for the manifest. */
  sources: { sourcePackage: string; version: string }[];
  cached: boolean;
}

type CrunTarget = Pick<Target, 'name' | 'triplet' | 'cflags'>;

/** Returns crun for `target`, compiling it when the cache lacks it. Throws naming the step that failed. */
export async function buildCrun(target: CrunTarget, options: { progress: Progress }): Promise<BuiltCrun> {
  const { progress } = options;
  const crun = await fetchDebianSource('crun', { release: crunRelease, progress });
  const libcap = await fetchDebianSource('libcap2', { release: crunRelease, progress });
  const key = cacheKey('crun', recipeVersion, crunRecipeFingerprint(target), crun.version, libcap.version, await compilerVersion(`${target.triplet}-gcc`));
  const { dir, hit } = await cachedDir(join(cacheRoot(), 'crun', `${target.name}-${key}`), (work) => compileCrun(target, { crun, libcap }, work, progress));
  if (hit) {
    progress.step(`crun ${crun.version} for ${target.name} from the cache`);
    progress.done();
  }
  return {
    binary: await readFile(join(dir, 'crun')),
    sources: [
      { sourcePackage: 'crun', version: crun.version },
      { sourcePackage: 'libcap2', version: libcap.version },
    ],
    cached: hit,
  };
}

/**
 * Builds libcap.a and then crun in copies of the two sources under `work`
 * (removed afterwards), leaving the stripped program at `work/crun`. No
 * cache: buildCrun's cache and the reproducibility test both call it.
 */
export async function compileCrun(target: CrunTarget, sources: { crun: DebianSource; libcap: DebianSource }, work: string, progress: Progress): Promise<void> {
  progress.step(`build crun ${sources.crun.version} for ${target.name} (static, with libcap ${sources.libcap.version})`);
  const libcapTree = join(work, 'libcap2');
  const crunTree = join(work, 'crun-src');
  // Both build in their trees: copies keep the cached sources pristine. With their times, or make
  // sees configure.ac newer than configure and wants automake to run again.
  for (const [from, to] of [[sources.libcap.dir, libcapTree], [sources.crun.dir, crunTree]] as const) {
    await cp(from, to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  }
  const env = { ...process.env, LC_ALL: 'C', SOURCE_DATE_EPOCH: '0' };
  const jobs = `-j${availableParallelism()}`;
  let lines = 0;
  const step = async (what: string, command: string, args: string[], cwd: string) => {
    try {
      // Configure and make print a line per check and per object: a count is all the bar can show honestly.
      await run(command, args, { cwd, env, onLine: (line) => progress.update(++lines, Math.max(900, lines + 1), line.trim().slice(0, 60)) });
    } catch (error) {
      throw new Error(`failed to build crun ${sources.crun.version} for ${target.name}: ${what}`, { cause: error });
    }
  };
  await step('make libcap.a (libcap2)', 'make', libcapMakeArgs(target), libcapTree);
  const libcap = join(libcapTree, 'libcap');
  await step('./configure', './configure', crunConfigureArgs(target, libcap), crunTree);
  for (const goal of crunMakeSteps(crunTree, libcap)) await step(`make ${goal.join(' ').slice(0, 40)}`, 'make', [jobs, ...goal], crunTree);
  await step('strip', `${target.triplet}-strip`, ['-o', join(work, 'crun'), join(crunTree, 'crun')], work);
  await rm(libcapTree, { recursive: true, force: true });
  await rm(crunTree, { recursive: true, force: true });
  progress.done();
}
