/**
 * A static iptables for an image whose container runtime is compiled (always
 * on mips and mips64), compiled from Debian 12's `iptables` source with the
 * target's gcc (see iptables-recipe.ts for the flags and why). Cached under
 * `<cache>/iptables/` by target, recipe, source version and compiler: only
 * the first build pays the compile (about a minute on two idle cores).
 *
 *   const iptables = await buildIptables(mips, { progress });
 *   iptables.binary;   // /usr/sbin/xtables-legacy-multi, static big-endian MIPS
 *   iptables.links;    // iptables, iptables-save, ... as Debian lays them out
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { fetchDebianSource, type DebianSource } from '../debian/source.ts';
import { cacheKey, cacheRoot } from '../io/cache.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { compilerVersion } from '../io/compiler.ts';
import { run } from '../io/exec.ts';
import type { Progress } from '../progress.ts';
import {
  iptablesCflags,
  iptablesConfigureFlags,
  iptablesLayout,
  iptablesMakeArgs,
  iptablesRecipeFingerprint,
  iptablesSourcePackage,
  iptablesSourceRelease,
} from './iptables-recipe.ts';

/** Bump when the build below changes in a way that changes the output. */
const recipeVersion = '1';

/** iptables compiled from source, ready for the tree. */
export interface BuiltIptables {
  /** The Debian source package, for the manifest. */
  sourcePackage: string;
  /** The source package's version, e.g. `1.8.9-2`. */
  version: string;
  /** xtables-legacy-multi, stripped. */
  binary: Uint8Array;
  /** Its image path. */
  path: string;
  links: readonly { path: string; target: string }[];
  cached: boolean;
}

/**
 * Returns iptables for `target`, compiling it when the cache has none for
 * these inputs. Throws naming the source package and target, with the failing
 * command's last lines as the cause.
 */
export async function buildIptables(target: Target, options: { progress: Progress }): Promise<BuiltIptables> {
  const { progress } = options;
  const source = await fetchDebianSource(iptablesSourcePackage, { release: iptablesSourceRelease, progress });
  const key = cacheKey('iptables', recipeVersion, iptablesRecipeFingerprint(target), source.version, await compilerVersion(`${target.triplet}-gcc`));
  const { dir, hit } = await cachedDir(join(cacheRoot(), 'iptables', `${target.name}-${key}`), (work) => compileIptables(target, source, work, progress));
  if (hit) {
    progress.step(`iptables ${source.version} for ${target.name} from the cache`);
    progress.done();
  }
  return { sourcePackage: iptablesSourcePackage, version: source.version, binary: await readFile(join(dir, 'xtables-legacy-multi')), path: iptablesLayout.binary, links: iptablesLayout.links, cached: hit };
}

/**
 * Configures and builds `source` for `target` in `work/build` (out of tree:
 * the cached source is never written) and leaves the stripped binary at
 * `work/xtables-legacy-multi`. Exported so a test can build twice in
 * different folders and compare the bytes.
 */
export async function compileIptables(target: Target, source: DebianSource, work: string, progress: Progress): Promise<void> {
  const build = join(work, 'build');
  await mkdir(build, { recursive: true });
  const env = {
    ...process.env,
    LC_ALL: 'C',
    SOURCE_DATE_EPOCH: '0',
    CFLAGS: iptablesCflags(target, { source: source.dir, build }),
    // An empty pkg-config path: the host's libraries (libnfnetlink, libmnl) are for the wrong architecture.
    PKG_CONFIG_LIBDIR: join(work, 'no-pkgconfig'),
  };
  progress.step(`build iptables ${source.version} for ${target.name} (static)`);
  try {
    await run(join(source.dir, 'configure'), iptablesConfigureFlags(target), { cwd: build, env });
    let objects = 0;
    await run('make', [`-j${availableParallelism()}`, ...iptablesMakeArgs], {
      cwd: build,
      env,
      onLine: (line) => {
        if (/^\s+CC\s/.test(line)) progress.update(++objects, Math.max(300, objects + 1), line.trim());
      },
    });
    await run(`${target.triplet}-strip`, ['-o', join(work, 'xtables-legacy-multi'), join(build, 'iptables', 'xtables-legacy-multi')]);
  } catch (error) {
    throw new Error(`failed to build iptables from Debian's ${iptablesSourcePackage} ${source.version} for ${target.name}`, { cause: error });
  }
  await rm(build, { recursive: true, force: true });
  progress.done();
}
