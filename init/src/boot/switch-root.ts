/**
 * Moves the root file system off the initramfs "rootfs" onto a real tmpfs mount.
 *
 * Container runtimes cannot pivot_root away from rootfs, and rootfs cannot be
 * remounted read-only, so, like LinuxKit, the first init copies the image into a
 * fresh tmpfs and BusyBox's switch_root frees the old copy, makes the tmpfs the
 * root and runs /init again there. The environment variable tells the second run
 * that the move is done.
 */
import type { Sys } from '../sys/sys.ts';

const switchedMarker = 'IMAGO_ROOT_MOVED';
const newRoot = '/.imago-root';

export function rootAlreadyMoved(sys: Sys): boolean {
  return sys.getenv(switchedMarker) === '1';
}

/** Copies / into a tmpfs and execs switch_root; returns only if that failed (it throws). */
export function moveRootToTmpfs(sys: Sys, spawnAndWait: (command: string[]) => number): never {
  sys.mkdirs(newRoot, 0o755);
  sys.mount('rootfs', newRoot, 'tmpfs', [], 'mode=0755');
  const top = sys.listDir('/').filter((name) => `/${name}` !== newRoot);
  const code = spawnAndWait(['/bin/busybox', 'cp', '-a', ...top.map((name) => `/${name}`), `${newRoot}/`]);
  if (code !== 0) throw new Error(`unable to copy the root file system into tmpfs: cp exited ${code}`);
  sys.setenv(switchedMarker, '1');
  // Throws "unable to exec switch_root" when it fails.
  return sys.exec('/bin/busybox', ['switch_root', newRoot, '/init']);
}
