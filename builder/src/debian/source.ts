/**
 * Fetches and unpacks Debian source packages (e.g. QuickJS from Debian 13) through
 * a private source-only apt state, into `<cache>/src/<pkg>-<version>/`.
 *
 *   const { dir, version } = await fetchDebianSource('quickjs', { release: 'trixie' });
 *   // dir = ~/.cache/imago/src/quickjs-2025.04.26-1 (Debian patches applied)
 */
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot } from '../io/cache.ts';
import { silentProgress, type Progress } from '../progress.ts';
import { aptCache, aptGet, updateAptState, type AptState } from './apt-state.ts';
import { openSourceState } from './open-state.ts';

/** Options of fetchDebianSource. */
export interface SourceOptions {
  /** Debian release to take the source from, e.g. `trixie` (Debian 13). */
  release: string;
  progress?: Progress;
}

/** An unpacked Debian source package in the cache. */
export interface DebianSource {
  /** Unpacked source tree with the Debian patches applied. */
  dir: string;
  /** Debian version of the source package, e.g. `2025.04.26-1`. */
  version: string;
}

/** This process's lookups by cache, release and package: a build asks for OpenSSL's source once per program that links it. */
const lookups = new Map<string, Promise<DebianSource>>();

/**
 * Returns the unpacked source of `pkg` (a source or binary package name) as the
 * release's index has it now; reuses an earlier unpack of the same version,
 * and within one process an earlier answer (the apt calls take a second).
 * `apt-get source` checks the files against the signed Sources index and runs
 * `dpkg-source -x` (package dpkg-dev). Throws naming the package and release.
 */
export function fetchDebianSource(pkg: string, options: SourceOptions): Promise<DebianSource> {
  const key = `${cacheRoot()}\0${options.release}\0${pkg}`;
  let lookup = lookups.get(key);
  if (!lookup) {
    lookup = fetchSource(pkg, options);
    lookups.set(key, lookup);
    // A failure is not remembered: the next call tries again.
    lookup.catch(() => lookups.delete(key));
  }
  return lookup;
}

async function fetchSource(pkg: string, options: SourceOptions): Promise<DebianSource> {
  const progress = options.progress ?? silentProgress;
  if (!/^[a-z0-9][a-z0-9+.-]+$/.test(pkg)) throw new Error(`invalid Debian source package name ${JSON.stringify(pkg)}`);
  const state = await openSourceState(options.release, progress);
  const version = await sourceVersion(state, pkg, progress);
  const base = join(cacheRoot(), 'src');
  const dir = join(base, `${pkg}-${version}`);
  if (await exists(dir)) return { dir, version };
  progress.step(`fetch source ${pkg} ${version} (${options.release})`);
  await mkdir(base, { recursive: true });
  // Unpack in a private folder and rename, so a concurrent build never sees half a tree.
  const work = await mkdtemp(join(base, `.${pkg}-`));
  try {
    const request = await withEpoch(state, pkg, version);
    await aptGet(state, ['source', '--only-source', `${pkg}=${request}`], (line) => progress.detail(line), work);
    const unpacked = (await readdir(work, { withFileTypes: true })).filter((entry) => entry.isDirectory());
    if (unpacked.length !== 1) throw new Error(`expected one unpacked folder, found ${unpacked.map((e) => e.name).join(', ') || 'none'}`);
    await rename(join(work, unpacked[0]!.name), dir).catch(async (error: NodeJS.ErrnoException) => {
      // Another build finished the same unpack first: theirs is as good as ours.
      if (!(await exists(dir))) throw error;
    });
  } catch (error) {
    throw new Error(`failed to fetch the Debian source of ${pkg} ${version} from ${options.release}`, { cause: error });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  progress.done(dir);
  return { dir, version };
}

/** The version apt-get source would pick, read from its --print-uris plan (the .dsc name). */
async function sourceVersion(state: AptState, pkg: string, progress: Progress): Promise<string> {
  const plan = async () => {
    const { stdout } = await aptGet(state, ['source', '--print-uris', '--only-source', pkg]);
    const dsc = /^'[^']+' ([^_\s]+)_(\S+)\.dsc /m.exec(stdout.toString('utf8'));
    return dsc ? decodeURIComponent(dsc[2]!) : undefined;
  };
  try {
    let version = await plan().catch(() => undefined);
    if (version === undefined) {
      // Old lists may predate the package; refresh once before giving up.
      await updateAptState(state, progress);
      version = await plan();
    }
    if (version === undefined) throw new Error('apt found no .dsc file');
    return version;
  } catch (error) {
    throw new Error(`failed to find source package ${pkg} in Debian ${state.name.replace(/^src-/, '')}`, { cause: error });
  }
}

/**
 * The version as apt wants it: .dsc names drop the epoch (busybox is
 * `1:1.35.0-4+deb12u1`), so look it up in the Sources record.
 */
async function withEpoch(state: AptState, pkg: string, version: string): Promise<string> {
  const { stdout } = await aptCache(state, ['showsrc', '--only-source', pkg]);
  const versions = [...stdout.toString('utf8').matchAll(/^Version: (\S+)$/gm)].map((match) => match[1]!);
  return versions.find((full) => full.replace(/^\d+:/, '') === version) ?? version;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
