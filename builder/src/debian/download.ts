/**
 * Downloads resolved packages into the shared content cache `<cache>/debs/`, where
 * every build and architecture finds them again: a file already there with the
 * right sha256 is never fetched twice.
 *
 *   const debs = await downloadPackages(await resolvePackages(['busybox-static'], 'amd64', p), 'amd64', p);
 *   debs[0].path;   // ~/.cache/imago/debs/busybox-static_1%3a1.35.0-4+deb12u1+b1_amd64.deb
 */
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { cacheRoot } from '../io/cache.ts';
import type { Progress } from '../progress.ts';
import { aptGet } from './apt-state.ts';
import { openBinaryState } from './open-state.ts';
import { resolvePackages, type ResolvedPackage } from './resolve.ts';

/** A package file on disk in the content cache. */
export interface DownloadedPackage {
  name: string;
  version: string;
  architecture: string;
  /** Absolute path of the .deb in `<cache>/debs/`. */
  path: string;
  sha256: string;
}

/** The shared folder of downloaded .deb files. */
export function debCacheDir(): string {
  return join(cacheRoot(), 'debs');
}

/**
 * Makes sure each package is in the content cache, downloading only the missing
 * ones in a single apt-get call (apt checks the hashes against the signed index),
 * and returns them sorted by name. Throws naming the packages and architecture.
 */
export async function downloadPackages(packages: ResolvedPackage[], arch: string, progress: Progress): Promise<DownloadedPackage[]> {
  const dir = debCacheDir();
  await mkdir(dir, { recursive: true });
  const missing: ResolvedPackage[] = [];
  for (const pkg of packages) if (!(await hasFile(join(dir, pkg.filename), pkg.sha256))) missing.push(pkg);
  if (missing.length > 0) await fetchInto(dir, missing, arch, progress);
  return packages
    .map((pkg) => ({ name: pkg.name, version: pkg.version, architecture: pkg.architecture, path: join(dir, pkg.filename), sha256: pkg.sha256 }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Resolves the closure of `names` for `arch` and downloads it (resolvePackages + downloadPackages). */
export async function fetchPackages(names: string[], arch: string, progress: Progress): Promise<DownloadedPackage[]> {
  return downloadPackages(await resolvePackages(names, arch, progress), arch, progress);
}

async function fetchInto(dir: string, packages: ResolvedPackage[], arch: string, progress: Progress): Promise<void> {
  const state = await openBinaryState(arch, progress);
  const total = packages.reduce((sum, pkg) => sum + pkg.size, 0);
  progress.step(`download ${packages.length} package${packages.length > 1 ? 's' : ''} (${arch}, ${(total / 1e6).toFixed(1)} MB)`);
  // A private temporary folder per call: concurrent builds never see half a file,
  // and the rename into the cache is atomic.
  const partial = await mkdtemp(join(dir, '.partial-'));
  try {
    let done = 0;
    try {
      await aptGet(state, ['download', ...packages.map((pkg) => `${pkg.name}=${pkg.version}`)], (line) => {
        // `Get:1 <uri> <suite>/<component> <arch> <name> <arch> <version> [size]`
        if (!line.startsWith('Get:')) return;
        const words = line.split(' ');
        const pkg = packages.find((candidate) => words.includes(candidate.name));
        if (!pkg) return;
        done += pkg.size;
        progress.update(done, total, pkg.name);
      }, partial);
    } catch (error) {
      const names = packages.map((pkg) => `${pkg.name} ${pkg.version}`).join(', ');
      throw new Error(`failed to download package${packages.length > 1 ? 's' : ''} ${names} for ${arch}`, { cause: error });
    }
    for (const pkg of packages) {
      const file = join(partial, pkg.filename);
      const actual = await fileSha256(file).catch((error) => {
        throw new Error(`failed to download package ${pkg.name} ${pkg.version} for ${arch}: apt did not write ${pkg.filename}`, { cause: error });
      });
      if (actual !== pkg.sha256) {
        throw new Error(`failed to download package ${pkg.name} ${pkg.version} for ${arch}: sha256 ${actual}, index says ${pkg.sha256}`);
      }
      await rename(file, join(dir, pkg.filename));
    }
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  progress.done();
}

async function hasFile(path: string, expected: string): Promise<boolean> {
  try {
    await stat(path);
  } catch {
    return false;
  }
  // Hashing again costs a fraction of a second even for the kernel, and catches a
  // truncated or corrupted cache entry, which is then downloaded again.
  return (await fileSha256(path)) === expected;
}

/** The sha256 of a file, streamed so large packages are never held in memory twice. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
