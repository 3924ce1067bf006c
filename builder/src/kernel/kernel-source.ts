/**
 * Debian's kernel source, `linux-source-6.1`, installed on the host by
 * `scripts/install-host-packages` (a tarball in /usr/src), unpacked once into
 * the cache and shared read-only by every build (they build out of tree, `O=`).
 *
 *   const source = await kernelSource(progress);   // { version: '6.1.192-2', dir: '~/.cache/imago/kernel-source/...' }
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from '../io/cache.ts';
import { run } from '../io/exec.ts';
import type { Progress } from '../progress.ts';
import { cachedDir } from '../io/cached-dir.ts';

/** The Debian package whose tarball every built kernel comes from. */
export const kernelSourcePackage = 'linux-source-6.1';

/** An unpacked kernel source tree. */
export interface KernelSource {
  package: string;
  /** The Debian package version, e.g. `6.1.192-2`: part of every kernel's cache key. */
  version: string;
  /** The unpacked tree (with Debian's patches, as shipped). */
  dir: string;
}

/**
 * Returns the unpacked source of the installed linux-source-6.1, unpacking it
 * into `<cache>/kernel-source/` the first time (about 30-45 s). Throws naming
 * the package and how to install it when it is missing.
 */
export async function kernelSource(progress: Progress): Promise<KernelSource> {
  const version = await installedVersion(kernelSourcePackage);
  const tarball = `/usr/src/${kernelSourcePackage}.tar.xz`;
  if (!version || !existsSync(tarball)) {
    throw new Error(`${kernelSourcePackage} is not installed (no ${tarball}): run scripts/install-host-packages, or apt-get install ${kernelSourcePackage}`);
  }
  const base = join(cacheRoot(), 'kernel-source', `${kernelSourcePackage}_${version}`);
  const { dir } = await cachedDir(base, async (work) => {
    progress.step(`unpack ${kernelSourcePackage} ${version}`);
    await run('tar', ['-xf', tarball, '-C', work]);
    progress.done();
  });
  return { package: kernelSourcePackage, version, dir: join(dir, kernelSourcePackage) };
}

/** The installed version of a Debian package, or undefined. */
async function installedVersion(pkg: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('dpkg-query', ['-W', '-f=${Status} ${Version}', pkg]);
    const [ok, version] = /^install ok installed (\S+)$/.exec(stdout.toString('utf8').trim()) ?? [];
    return ok ? version : undefined;
  } catch {
    return undefined;
  }
}
