/**
 * The image manifest: every input with its version and sha256, and every output.
 * Nothing in it depends on when or where the build ran, so two builds of the same
 * spec and inputs write the same bytes.
 */
import type { ContainerManifestEntry } from '../containers/image-containers.ts';
import { sha256 } from '../io/cache.ts';

export interface FileDigest {
  sha256: string;
  size: number;
}

export interface Manifest {
  manifestVersion: 1;
  name: string;
  /** The image version (spec `image_version`, default "0"); bundles carry it and devices compare it. */
  version: string;
  arch: string;
  /** With `update:`, the compatible name `imago bundle` signs into bundles of this image. */
  compatible?: string;
  sourceDateEpoch: number;
  spec: { file: string; sha256: string };
  /**
   * The kernel: a Debian kernel package, or (`built: true`) Debian's linux-source
   * package compiled with the listed config fragments.
   */
  kernel: { package: string; version: string; release: string; sha256: string; built?: true; fragments?: string[] };
  /** BusyBox compiled from Debian's source package, on architectures without busybox-static. */
  busybox?: { sourcePackage: string; version: string; sha256: string };
  /** containerd, runc (and CNI plugins) compiled from Debian's sources, on architectures without Debian's binaries. */
  containerRuntime?: { sources: { sourcePackage: string; version: string }[]; go: string; files: { path: string; sha256: string }[] };
  /** The ntpd-only BusyBox compiled for the time service (spec time: or fleet:). */
  timeDaemon?: { sourcePackage: string; version: string; sha256: string };
  /** The fleet agent binary (spec fleet:). */
  fleetAgent?: { sha256: string };
  /** Every kernel module in the image: those loaded at boot, then those loaded before a private-network container's first start. */
  modules: string[];
  quickjs: { sourcePackage: string; version: string };
  init: FileDigest;
  packages: { name: string; version: string; architecture: string; sha256: string }[];
  /** Debian suites the build left out (`--skip-suite`): the packages lack whatever those suites would have updated. */
  skippedSuites?: string[];
  /** Container images stored in the image (see builder/src/containers/). */
  containers?: ContainerManifestEntry[];
  /** How QEMU should boot the image, from the spec's `qemu:` (guest RAM for `imago run` and the tests). */
  qemu?: { memoryMiB: number };
  compression: string;
  outputs: Record<string, FileDigest>;
}

export function digest(data: Uint8Array | string): FileDigest {
  return { sha256: sha256(data), size: typeof data === 'string' ? Buffer.byteLength(data) : data.length };
}

/** Serialises with stable key order (as built) and a trailing newline. */
export function renderManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
