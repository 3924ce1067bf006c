/**
 * Gives the root file system a mount of its own, without copying it.
 *
 * The kernel unpacks the initramfs into "rootfs", the very first mount.
 * pivot_root cannot leave a root that has no parent mount, so container
 * runtimes fail on it. LinuxKit copies the image into a fresh tmpfs and
 * switch_roots there; that copy costs time in proportion to the image (a
 * second for an image with containerd and two containers on an emulated
 * x86_64 CPU) and holds the image twice in RAM while it runs. A bind mount of
 * rootfs moved over / is a mount with a parent, on the same files: runtimes
 * can pivot_root away from it, and nothing is copied.
 *
 * /run is the bind's staging mount point: every image has the folder, and the
 * boot mounts a tmpfs on it next, so nothing is left behind.
 */
import type { Sys } from '../sys/sys.ts';

const staging = '/run';

/** Makes a bind mount of the initramfs the root of PID 1 (and of all it starts); throws naming the step that failed. */
export function rootOnOwnMount(sys: Sys): void {
  sys.mkdirs(staging, 0o755);
  sys.mount('/', staging, '', ['bind'], '');
  sys.changeDir(staging);
  sys.moveMount('.', '/');
  sys.changeRoot('.');
}
