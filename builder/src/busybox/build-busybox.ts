/**
 * Builds a static BusyBox for a target that has no Debian packages (mips,
 * mips64) from Debian's `busybox` source package, with the configuration
 * Debian's `busybox-static` is built with (`debian/config/pkg/static`), so
 * the applets match the other architectures. Cached by source version,
 * compiler and flags: a rebuild takes a second.
 *
 *   const busybox = await buildBusybox(mips, { progress });
 *   busybox.binary;    // static, stripped, big-endian MIPS
 */
import { copyFile, readFile, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { fetchDebianSource } from '../debian/source.ts';
import { cacheKey, cacheRoot } from '../io/cache.ts';
import { run } from '../io/exec.ts';
import type { Progress } from '../progress.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { compilerVersion } from '../io/compiler.ts';

/** Debian 12's BusyBox, the release busybox-static comes from on the other architectures. */
export const busyboxRelease = 'bookworm';

/** Bump when the recipe below changes in a way that changes the output. */
const recipeVersion = '1';

/** A BusyBox built from source. */
export interface BuiltBusybox {
  /** The source package's version, e.g. `1.35.0-4+deb12u1`. */
  version: string;
  binary: Uint8Array;
  cached: boolean;
}

/**
 * Returns a static BusyBox for `target`, compiling it (2-4 minutes on two
 * cores) when the cache has none for these inputs. Throws with make's last
 * lines when the build fails.
 */
export async function buildBusybox(target: Target, options: { progress: Progress }): Promise<BuiltBusybox> {
  const { progress } = options;
  const source = await fetchDebianSource('busybox', { release: busyboxRelease, progress });
  const cc = `${target.triplet}-gcc`;
  const config = await readFile(join(source.dir, 'debian/config/pkg/static'), 'utf8');
  const key = cacheKey('busybox', recipeVersion, source.version, await compilerVersion(cc), config, ...target.cflags);
  const { dir, hit } = await cachedDir(join(cacheRoot(), 'busybox', `${target.name}-${key}`), async (work) => {
    progress.step(`build busybox ${source.version} for ${target.name} (static)`);
    const build = join(work, 'build');
    const make = (goals: string[], input?: string) =>
      run('make', ['-C', build, '-f', join(source.dir, 'Makefile'), `KBUILD_SRC=${source.dir}`, `CROSS_COMPILE=${target.triplet}-`, ...goals], {
        input,
        env: { ...process.env, KCONFIG_NOTIMESTAMP: '1', LC_ALL: 'C' },
      });
    await run('mkdir', ['-p', build]);
    await copyFile(join(source.dir, 'debian/config/pkg/static'), join(build, '.config'));
    // Answer every new question with its default, as debian/rules does with `yes ""`.
    await make(['oldconfig'], '\n'.repeat(2000));
    let objects = 0;
    await run(
      'make',
      ['-C', build, '-f', join(source.dir, 'Makefile'), `KBUILD_SRC=${source.dir}`, `CROSS_COMPILE=${target.triplet}-`, `-j${availableParallelism()}`, 'busybox',
        'SKIP_STRIP=y',
        // The version string replaces the build date in the banner: reproducible.
        `BB_EXTRA_VERSION=Debian ${source.version}, imago`,
        `CONFIG_EXTRA_CFLAGS=-ffile-prefix-map=${source.dir}=busybox ${target.cflags.join(' ')}`],
      {
        env: { ...process.env, KCONFIG_NOTIMESTAMP: '1', LC_ALL: 'C' },
        onLine: (line) => {
          if (/^\s+CC\s/.test(line)) progress.update(++objects, Math.max(900, objects + 1), line.trim());
        },
      },
    );
    await run(`${target.triplet}-strip`, ['-o', join(work, 'busybox'), join(build, 'busybox')]);
    await rm(build, { recursive: true, force: true });
    progress.done();
  });
  if (hit) {
    progress.step(`busybox ${source.version} for ${target.name} from the cache`);
    progress.done();
  }
  return { version: source.version, binary: await readFile(join(dir, 'busybox')), cached: hit };
}
