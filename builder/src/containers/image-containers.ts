/**
 * The containers of one image: each spec container built from Debian packages
 * (kept as its root filesystem, run as it is on the device) or taken from an
 * archive for the target's platform (written as an OCI archive, imported at
 * boot). The build calls this once per target.
 *
 *   const containers = await imageContainers(loaded, x86_64, options);
 *   containers.prepared[0].path;   // '/usr/lib/imago/containers/broker'
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { SpecError, step } from '../errors.ts';
import type { Progress } from '../progress.ts';
import type { LoadedSpec } from '../spec/load.ts';
import type { ContainerSpec, Spec } from '../spec/schema.ts';
import type { Entry } from '../tree/tree.ts';
import { imageFromArchive } from './archive-image.ts';
import { buildDebianImage, type DebianImage } from './debian-image.ts';
import { imageRef, preparedRootfsPath, storedImagePath } from './names.ts';
import { sha256Digest, writeOciArchive, type ImageRunConfig, type OciImage } from './oci-image.ts';
import { targetPlatform } from './oci-platform.ts';
import { readTarFiles } from './read-archive.ts';
import { buildsFromSource } from './source-packages.ts';
import type { StoredImageRef } from './runtime-files.ts';

/** One OCI archive to store in the image and import at boot: an image taken from an archive. */
export interface StoredImage extends StoredImageRef {
  name: string;
  archive: Uint8Array;
}

/**
 * An image built from packages, stored as its root filesystem under
 * `path` and run from there as it is: nothing to import at boot.
 */
export interface PreparedImage {
  name: string;
  ref: string;
  manifestDigest: string;
  /** The folder in the image that holds the root filesystem (preparedRootfsPath). */
  path: string;
  entries: readonly Entry[];
  run: ImageRunConfig;
}

/** What the manifest records about one container image. */
export interface ContainerManifestEntry {
  name: string;
  ref: string;
  /** `debian` (built from packages), `debian-source` (from packages compiled from their source) or the archive's file name. */
  source: string;
  manifestDigest: string;
  /** The stored OCI archive, for an image imported at boot. */
  archive?: { sha256: string; size: number };
  /** The prepared root filesystem, for an image run as it is: its entries and the bytes of its files. */
  rootfs?: { entries: number; bytes: number };
  packages?: DebianImage['packages'];
}

export interface ImageContainers {
  stored: StoredImage[];
  prepared: PreparedImage[];
  manifest: ContainerManifestEntry[];
}

async function containerImage(loaded: LoadedSpec, container: ContainerSpec, index: number, target: Target, epoch: number, progress: Progress): Promise<{ image: OciImage; packages?: DebianImage['packages']; rootfs?: DebianImage['rootfs'] }> {
  if (container.archive) {
    const file = resolve(loaded.dir, container.archive);
    try {
      const files = await readTarFiles(await readFile(file));
      return { image: imageFromArchive(files, targetPlatform(target), container.archive, target.name) };
    } catch (error) {
      // The archive is the user's input: another platform or a broken file is a mistake at that line of the spec (exit 2).
      const message = error instanceof Error ? error.message : String(error);
      throw new SpecError([loaded.locate({ path: ['containers', index, 'archive'], message })]);
    }
  }
  // Without Debian binaries (mips, mips64) the packages are compiled from source; the spec rules keep to the ones that can be.
  return buildDebianImage(loaded, container, index, target, epoch, progress);
}

/**
 * Builds or reads every container of the spec for `target`. Throws a
 * BuildError naming the container, or a SpecError for its files and user.
 */
export async function imageContainers(loaded: LoadedSpec & { spec: Spec }, target: Target, sourceDateEpoch: number, progress: Progress): Promise<ImageContainers> {
  const stored: StoredImage[] = [];
  const prepared: PreparedImage[] = [];
  const manifest: ContainerManifestEntry[] = [];
  for (const [index, container] of (loaded.spec.containers ?? []).entries()) {
    const what = container.archive ? `read container image ${container.name} from ${container.archive} for ${target.name}` : `build container image ${container.name} for ${target.name}`;
    const { image, packages, rootfs } = await step(what, () => containerImage(loaded, container, index, target, sourceDateEpoch, progress));
    const ref = imageRef(container.name);
    // `debian-source`: the packages were compiled from Debian's source (asked for, or no Debian binaries for the target).
    const source = container.archive ?? (buildsFromSource(container, target) ? 'debian-source' : 'debian');
    const entry = { name: container.name, ref, source, manifestDigest: image.manifest.digest };
    if (rootfs) {
      prepared.push({ name: container.name, ref, manifestDigest: image.manifest.digest, path: preparedRootfsPath(container.name), entries: rootfs.entries, run: rootfs.run });
      const bytes = rootfs.entries.reduce((sum, e) => sum + (e.kind === 'file' ? e.data.length : 0), 0);
      manifest.push({ ...entry, rootfs: { entries: rootfs.entries.length, bytes }, ...(packages ? { packages } : {}) });
      continue;
    }
    const archive = await writeOciArchive(image, ref, sourceDateEpoch);
    const digest = sha256Digest(archive);
    stored.push({ name: container.name, ref, manifestDigest: image.manifest.digest, path: storedImagePath(container.name), archive });
    manifest.push({ ...entry, archive: { sha256: digest.slice('sha256:'.length), size: archive.length }, ...(packages ? { packages } : {}) });
  }
  return { stored, prepared, manifest };
}
