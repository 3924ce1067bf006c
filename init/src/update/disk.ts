/**
 * Finds the ESP and the data partition by their GPT partition names (the
 * kernel's PARTNAME in /sys/class/block/<dev>/uevent) and mounts them: the ESP
 * (vfat) at /run/imago/esp (its options in esp-mount.ts), the data partition (ext4) at /data. Waits a little
 * for the disk: virtio_blk probes asynchronously after its module loads.
 */
import { reasonOf, type MountFlag, type Sys } from '../sys/sys.ts';

/** The /dev path of the partition named `name`, or undefined. */
export function findPartition(sys: Sys, name: string): string | undefined {
  for (const dev of sys.listDir('/sys/class/block')) {
    const uevent = sys.readText(`/sys/class/block/${dev}/uevent`) ?? '';
    if (uevent.split('\n').includes(`PARTNAME=${name}`)) {
      const devname = /^DEVNAME=(.+)$/m.exec(uevent)?.[1] ?? dev;
      return `/dev/${devname}`;
    }
  }
  return undefined;
}

/** Polls for the partition up to `timeoutMs`; throws naming it when it never appears. */
export function waitForPartition(sys: Sys, name: string, timeoutMs: number): string {
  const deadline = sys.now() + timeoutMs;
  for (;;) {
    const device = findPartition(sys, name);
    if (device) return device;
    if (sys.now() > deadline) throw new Error(`no partition named ${name} after ${timeoutMs / 1000} s (is this a raw disk image? a board's own storage driver goes in the spec's kernel.modules)`);
    sys.sleep(100);
  }
}

/** Mounts `device` at `target` (created) with `flags` (default nosuid, nodev); throws with the errno text. */
export function mountPartition(sys: Sys, device: string, target: string, fstype: string, options: string, flags: readonly MountFlag[] = ['nosuid', 'nodev']): void {
  sys.mkdirs(target);
  try {
    sys.mount(device, target, fstype, flags, options);
  } catch (error) {
    throw new Error(`unable to mount ${device} (${fstype}) on ${target}: ${reasonOf(error)}`);
  }
}
