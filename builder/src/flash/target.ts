/**
 * What `imago flash` knows about the place it is asked to write, gathered by
 * inspect-target.ts and judged by refusals.ts.
 */
import type { Mount } from './mounts.ts';

/** A block device of the target: the disk itself or one of its partitions. */
export interface BlockDevice {
  /** Kernel name: sdb, sdb1, mmcblk0p1, loop3. */
  name: string;
  /** major:minor. */
  dev: string;
  /** Devices stacked on it (/sys/class/block/NAME/holders): dm-0 for LVM or LUKS, md0 for RAID. */
  holders: string[];
}

export type FlashTarget =
  | { kind: 'missing'; path: string }
  | { kind: 'other'; path: string; what: string }
  | { kind: 'file'; path: string; realPath: string; size: number; sameAsImage: boolean }
  | {
      kind: 'block';
      path: string;
      /** Kernel name of the device the path names. */
      name: string;
      /** The disk, when the path names one of its partitions. */
      partitionOf?: string;
      /** The device first, then its partitions. */
      devices: BlockDevice[];
      size: number;
      /** /sys/block/NAME/device/model, or for a loop device its backing file. */
      model?: string;
      sameAsImage: boolean;
    };

/** What is in use on this host, from /proc and /sys. */
export interface HostFacts {
  /** /proc/self/mounts and /proc/self/mountinfo together, /dev paths with symlinks resolved. */
  mounts: Mount[];
  /** /proc/swaps' file names. */
  swaps: string[];
  /** The whole disks holding each of /, /boot and /usr. */
  hostDisks: { path: string; disks: string[] }[];
  /** Loop devices and the files behind them (/sys/block/loopN/loop/backing_file). */
  loops: { name: string; file: string }[];
}

/** Bytes the way card makers count them (decimal), with the exact count for small differences. */
export function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${bytes} bytes`;
}
