/**
 * Builds a static BusyBox for a target that has no Debian packages (mips,
 * mips64) from Debian's `busybox` source package, with the configuration
 * Debian's `busybox-static` is built with (`debian/config/pkg/static`), so
 * the applets match the other architectures. Cached by source version,
 * compiler and flags: a rebuild takes a second.
 *
 *   const busybox = await buildBusybox(mips, { progress });
 *   busybox.binary;    // static, stripped, big-endian MIPS
 *
 * With `applets: 'ntpd'` it builds, for any target, a tiny static BusyBox
 * with only ntpd, which Debian leaves out of every BusyBox it builds; the
 * time service runs it under the name `ntpd`.
 */
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
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

/** Which applets: Debian busybox-static's set, or ntpd alone. */
export type BusyboxApplets = 'debian-static' | 'ntpd';

/** The options set on top of `make allnoconfig` for the ntpd-only build: static, and ntpd's client side with -S scripts. */
const ntpdOnlyConfig = ['CONFIG_STATIC=y', 'CONFIG_NTPD=y', 'CONFIG_LFS=y'].join('\n') + '\n';

/** `CONFIG_X` of a line `CONFIG_X=...` or `# CONFIG_X is not set`; '' for any other line. */
function optionName(line: string): string {
  return /^(?:# )?(CONFIG_[A-Z0-9_]+)[= ]/.exec(line)?.[1] ?? '';
}

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
export async function buildBusybox(target: Target, options: { progress: Progress; applets?: BusyboxApplets }): Promise<BuiltBusybox> {
  const { progress } = options;
  const applets = options.applets ?? 'debian-static';
  const source = await fetchDebianSource('busybox', { release: busyboxRelease, progress });
  const cc = `${target.triplet}-gcc`;
  const config = applets === 'ntpd' ? ntpdOnlyConfig : await readFile(join(source.dir, 'debian/config/pkg/static'), 'utf8');
  const key = cacheKey('busybox', recipeVersion, applets, source.version, await compilerVersion(cc), config, ...target.cflags);
  const variant = applets === 'ntpd' ? '-ntpd' : '';
  const { dir, hit } = await cachedDir(join(cacheRoot(), 'busybox', `${target.name}${variant}-${key}`), async (work) => {
    progress.step(`build busybox ${source.version} for ${target.name} (static${applets === 'ntpd' ? ', ntpd only' : ''})`);
    const build = join(work, 'build');
    const make = (goals: string[], input?: string) =>
      run('make', ['-C', build, '-f', join(source.dir, 'Makefile'), `KBUILD_SRC=${source.dir}`, `CROSS_COMPILE=${target.triplet}-`, ...goals], {
        input,
        env: { ...process.env, KCONFIG_NOTIMESTAMP: '1', LC_ALL: 'C' },
      });
    await run('mkdir', ['-p', build]);
    if (applets === 'ntpd') {
      // Everything off, then the few options named: the rest of the answers are the defaults of an empty config.
      await make(['allnoconfig']);
      await writeFile(join(build, '.config'), `${(await readFile(join(build, '.config'), 'utf8')).split('\n').filter((line) => !ntpdOnlyConfig.includes(optionName(line))).join('\n')}\n${ntpdOnlyConfig}`);
    } else {
      await copyFile(join(source.dir, 'debian/config/pkg/static'), join(build, '.config'));
    }
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
