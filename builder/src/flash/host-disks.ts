/**
 * Which whole disks a block device lives on, following sysfs: a partition
 * belongs to the disk it sits under, a device-mapper or md device (LVM, LUKS,
 * RAID) to the disks of its `slaves/`. Used to find the disks the host runs
 * from. Pure: sysfs comes in through `SysfsView`, real or a fixture.
 *
 * ```ts
 * disksOf('254:1', sysfs);   // ['vda'] when / is on /dev/vda1
 * ```
 */

/** The few sysfs facts this needs, by kernel device name (sda, sda1, dm-0). */
export interface SysfsView {
  /** The name for major:minor: the last part of /sys/dev/block/M:m's target; undefined when no block device has it. */
  nameOf(dev: string): string | undefined;
  /** The disk a partition belongs to (its parent folder in sysfs), undefined for a whole device. */
  diskOfPartition(name: string): string | undefined;
  /** The devices below a stacked one (/sys/class/block/NAME/slaves). */
  slaves(name: string): string[];
}

/** The whole disks under device `dev` (major:minor), sorted; none for a device no disk backs (tmpfs, overlay). */
export function disksOf(dev: string, sysfs: SysfsView): string[] {
  const name = sysfs.nameOf(dev);
  return name === undefined ? [] : disksOfName(name, sysfs, new Set());
}

function disksOfName(name: string, sysfs: SysfsView, seen: Set<string>): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const disk = sysfs.diskOfPartition(name) ?? name;
  const below = sysfs.slaves(disk);
  if (below.length === 0) return [disk];
  return [...new Set(below.flatMap((slave) => disksOfName(slave, sysfs, seen)))].sort();
}
