/**
 * Where containers live in an image and in containerd: one place for the
 * names the builder writes and the boot-time scripts read.
 */
import { dataMount } from '../../../contract/index.ts';

/** containerd namespace of every imago container and image. */
export const containerNamespace = 'imago';

/** containerd's socket; its state (and so the socket) is on the /run tmpfs. */
export const containerdSocket = '/run/containerd/containerd.sock';

/** containerd's images and snapshots: in RAM, or on the data partition of an image with updates. */
export const containerdRamRoot = '/var/lib/containerd';
export const containerdDataRoot = `${dataMount}/containerd`;

/** The generated containerd configuration. */
export const containerdConfigPath = '/etc/containerd/config.toml';

/** The supervised service that runs containerd. */
export const containerdService = 'containerd';

/** The oneshot service that imports the stored images; container services depend on it. */
export const importService = 'containers-import';

/** Boot-time helper scripts written by the builder. */
export const importScriptPath = '/usr/libexec/imago/import-containers';
export const startContainerdPath = '/usr/libexec/imago/start-containerd';
export const runScriptPath = '/usr/libexec/imago/run-container';

/**
 * The environment of a container service, one KEY=value a line, for `ctr run --env-file`:
 * root-only, where `--env` would show every value in /proc/PID/cmdline to anyone.
 */
export function containerEnvPath(service: string): string {
  return `/etc/imago/containers/${service}.env`;
}

/** The name of a spec container's image in containerd. No registry host: it never leaves the device. */
export function imageRef(name: string): string {
  return `imago/${name}:latest`;
}

/** Where the OCI archive of a spec container is stored in the image. */
export function storedImagePath(name: string): string {
  return `/usr/share/imago/containers/${name}.tar`;
}

/** Whether a spec uses containers at all (and so needs containerd, runc and kernel support). */
export function usesContainers(spec: { containers?: unknown[]; services?: { image?: string }[] }): boolean {
  return (spec.containers?.length ?? 0) > 0 || (spec.services ?? []).some((service) => service.image !== undefined);
}

/**
 * Where the root filesystem of a container built from packages is stored in
 * the image: read-only to its containers, which write to a layer in RAM.
 */
export function preparedRootfsPath(name: string): string {
  return `/usr/lib/imago/containers/${name}`;
}

/** The generated OCI runtime spec of a container service run from a prepared image (mode 0600: it holds the env). */
export function containerRuntimeSpecPath(service: string): string {
  return `/etc/imago/containers/${service}.json`;
}

/** Where the run helper mounts a prepared container's root (the image, and upper and work folders on the /run tmpfs). */
export function containerRunDir(service: string): string {
  return `/run/imago-containers/${service}`;
}

/**
 * Whether a spec container is run from its prepared root filesystem: every
 * image built from packages. One from an archive is imported at boot.
 */
export function isPrepared(container: { archive?: string }): boolean {
  return container.archive === undefined;
}

/** Whether any container of the spec is imported at boot (and so needs the import task). */
export function needsImport(spec: { containers?: { archive?: string }[] }): boolean {
  return (spec.containers ?? []).some((container) => !isPrepared(container));
}
