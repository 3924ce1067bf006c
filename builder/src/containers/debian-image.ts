/**
 * Builds a container image from Debian packages for the target architecture,
 * the way apko does for Alpine: resolve and download the packages (shared
 * cache, signed index), unpack them into one tree with the spec's files, and
 * write it as a single reproducible layer. No Docker, no root. On targets
 * Debian has no binaries for (mips, mips64), and for a container with
 * `from_source`, the packages are compiled from their Debian source instead
 * (build-source-packages.ts) and laid out the same way.
 */
import { fetchBaseMasterFiles } from '../build/base-passwd.ts';
import { unpackDeb } from '../debian/deb.ts';
import { fetchPackages } from '../debian/download.ts';
import { SpecError } from '../errors.ts';
import { readFileSources } from '../io/file-sources.ts';
import type { Target } from '../../../targets/types.ts';
import type { MasterFiles } from '../plan/base-accounts.ts';
import type { Progress } from '../progress.ts';
import type { LoadedSpec } from '../spec/load.ts';
import type { ContainerSpec } from '../spec/schema.ts';
import { Tree, type Entry } from '../tree/tree.ts';
import { buildSourcePackages, type SourceBuiltPackageRecord } from './build-source-packages.ts';
import { planContainerTree } from './container-tree.ts';
import { buildsFromSource } from './source-packages.ts';
import { assembleImage, type ImageRunConfig, type OciImage } from './oci-image.ts';
import { targetPlatform } from './oci-platform.ts';
import { writeTar } from './write-tar.ts';

const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A built image and the packages it holds, for the manifest. */
export interface DebianImage {
  image: OciImage;
  /** The image's root filesystem (the one layer's entries) and config, to be run as it is on the device. */
  rootfs: { entries: Entry[]; run: ImageRunConfig };
  /** Debian's .debs (sha256 of the .deb) or, where Debian has none, the packages compiled from source. */
  packages: ({ name: string; version: string; architecture: string; sha256: string } | SourceBuiltPackageRecord)[];
}

/** The container's packages unpacked (or built), who brought each path, and what the manifest lists. */
interface GatheredPackages {
  unpacked: Tree;
  owners: Map<string, string>;
  packageNames: string[];
  master?: MasterFiles;
  packages: DebianImage['packages'];
}

async function debianPackages(names: readonly string[], debianArch: string, progress: Progress): Promise<GatheredPackages> {
  const debs = await fetchPackages([...names], debianArch, progress);
  const unpacked = new Tree();
  const owners = new Map<string, string>();
  for (const deb of debs) {
    // One tree per package, so each path is known by the package that brought it (see lean-tree.ts).
    const own = new Tree();
    await unpackDeb(deb.path, own);
    for (const entry of own.entries()) {
      unpacked.add(entry);
      owners.set(entry.path, deb.name);
    }
  }
  const { master, deb: basePasswd } = await fetchBaseMasterFiles(debianArch, progress);
  return {
    unpacked,
    owners,
    packageNames: debs.map((deb) => deb.name),
    master,
    // base-passwd's master files made /etc/passwd: an input, listed even when not unpacked.
    packages: (debs.some((deb) => deb.name === 'base-passwd') ? debs : [...debs, basePasswd]).map(({ name, version, architecture, sha256 }) => ({ name, version, architecture, sha256 })),
  };
}

async function sourcePackages(names: readonly string[], target: Target, progress: Progress): Promise<GatheredPackages> {
  const built = await buildSourcePackages(names, target, progress);
  const unpacked = new Tree();
  for (const entry of built.entries) unpacked.add(entry);
  // No base-passwd .deb to read: plan/base-accounts.ts's copy of its master files, as mips system images use.
  return { unpacked, owners: built.owners, packageNames: [...names], packages: built.packages };
}

/**
 * Builds `containers[index]` of the loaded spec for `target`. Throws
 * SpecError for an unknown user or owner, and an Error naming the package or
 * file that could not be fetched or read.
 */
export async function buildDebianImage(
  loaded: LoadedSpec,
  container: ContainerSpec,
  index: number,
  target: Target,
  sourceDateEpoch: number,
  progress: Progress,
): Promise<DebianImage> {
  const names = container.packages ?? [];
  const gathered = buildsFromSource(container, target) || !target.debianArch ? await sourcePackages(names, target, progress) : await debianPackages(names, target.debianArch, progress);
  const { unpacked, owners, master } = gathered;
  const sources = await readFileSources(loaded.dir, container.files);
  const { tree, user, problems } = planContainerTree(container, index, unpacked.entries(), sources, { master, packageNames: gathered.packageNames, owners });
  if (problems.length > 0) throw new SpecError(problems.map(loaded.locate));
  const env = { PATH: defaultPath, ...(container.env ?? {}) };
  const run = {
    ...(user ? { User: user } : {}),
    Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    ...(container.entrypoint ? { Entrypoint: container.entrypoint } : {}),
    ...(container.cmd ? { Cmd: container.cmd } : {}),
    WorkingDir: container.workdir ?? '/',
  };
  const entries = tree.entries();
  const layer = await writeTar(entries, sourceDateEpoch);
  return {
    image: assembleImage(targetPlatform(target), run, [layer], sourceDateEpoch),
    rootfs: { entries, run },
    packages: gathered.packages,
  };
}
