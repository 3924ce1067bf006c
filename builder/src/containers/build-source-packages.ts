/**
 * A container's `packages:` on a target without Debian binaries (mips,
 * mips64): each package of source-packages.ts's table compiled (or taken
 * from the cache) and laid out as its .deb would unpack, with the package
 * that brought each path, so the rest of debian-image.ts (accounts, lean
 * trimming, the spec's files) treats them like unpacked Debian packages.
 *
 *   const built = await buildSourcePackages(['mosquitto'], mips, progress);
 *   built.entries;    // usr/sbin/mosquitto, etc/mosquitto/mosquitto.conf, ...
 *   built.packages;   // [{ name: 'mosquitto', sourcePackage: 'mosquitto', version: '2.0.11-1.2+deb12u2', sha256, without: ['tls', ...] }]
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { buildBusybox } from '../busybox/build-busybox.ts';
import { sha256 } from '../io/cache.ts';
import type { Progress } from '../progress.ts';
import { normalisePath, type EntryInput } from '../tree/tree.ts';
import { buildMosquitto } from './build-mosquitto.ts';
import { sourceBuiltPackage, sourceBuiltPackageNames, type SourceBuild } from './source-packages.ts';

/** What the manifest records about a package built from source. */
export interface SourceBuiltPackageRecord {
  name: string;
  /** The Debian source package compiled. */
  sourcePackage: string;
  /** Its Debian version. */
  version: string;
  /** imago's target name: Debian has no architecture of that name in 12. */
  architecture: string;
  /** sha256 of the package's files: one `<path> <sha256 of contents>` line each, in the table's order. */
  sha256: string;
  /** Features Debian's build of the package has and this one lacks. */
  without: string[];
}

/** The packages' files and who brought each. */
export interface BuiltSourcePackages {
  entries: EntryInput[];
  /** Tree path (no leading slash) to package name, as lean-tree.ts wants. */
  owners: Map<string, string>;
  packages: SourceBuiltPackageRecord[];
}

/** One build's outputs by build path, and where its source tree is. */
interface BuildResult {
  version: string;
  sourceDir?: string;
  outputs: Map<string, Uint8Array>;
}

async function runBuild(build: SourceBuild, target: Target, progress: Progress): Promise<BuildResult> {
  switch (build) {
    case 'mosquitto':
      return buildMosquitto(target, { progress });
    case 'busybox': {
      const busybox = await buildBusybox(target, { progress });
      return { version: busybox.version, outputs: new Map([['busybox', busybox.binary]]) };
    }
  }
}

/**
 * Builds `names` for `target`, each build once however many packages share
 * it. Throws for a name outside the table (the spec rules refuse it first),
 * naming the ones that can be built, and passes on a build's error.
 */
export async function buildSourcePackages(names: readonly string[], target: Target, progress: Progress): Promise<BuiltSourcePackages> {
  const builds = new Map<SourceBuild, BuildResult>();
  const entries: EntryInput[] = [];
  const owners = new Map<string, string>();
  const packages: SourceBuiltPackageRecord[] = [];
  for (const name of names) {
    const pkg = sourceBuiltPackage(name);
    if (!pkg) throw new Error(`package "${name}" cannot be built from source for ${target.name}, expected one of ${sourceBuiltPackageNames().join('|')}`);
    let result = builds.get(pkg.build);
    if (!result) builds.set(pkg.build, (result = await runBuild(pkg.build, target, progress)));
    const add = (entry: EntryInput) => {
      entries.push(entry);
      owners.set(normalisePath(entry.path), pkg.name);
    };
    for (const dir of pkg.dirs) add({ path: dir, kind: 'dir', mode: 0o755 });
    const lines: string[] = [];
    for (const file of pkg.files) {
      const data = file.built !== undefined ? result.outputs.get(file.built) : result.sourceDir !== undefined && file.fromSource !== undefined ? await readFile(join(result.sourceDir, file.fromSource)) : undefined;
      if (!data) throw new Error(`the ${pkg.build} build for ${target.name} has no ${file.built ?? file.fromSource} for ${file.path} of package ${pkg.name}`);
      add({ path: file.path, kind: 'file', mode: file.mode, data });
      lines.push(`${file.path} ${sha256(data)}\n`);
    }
    packages.push({ name: pkg.name, sourcePackage: pkg.source, version: result.version, architecture: target.name, sha256: sha256(lines.join('')), without: [...pkg.without] });
  }
  return { entries, owners, packages };
}
