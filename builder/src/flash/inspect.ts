/**
 * Gathers the facts refusals.ts judges, from the file system, /proc and /sys.
 * Reads only; nothing here opens a device for writing.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync, type BigIntStats } from 'node:fs';
import { basename, dirname } from 'node:path';
import { disksOf, type SysfsView } from './host-disks.ts';
import { parseMountinfo, parseMounts, parseSwaps } from './mounts.ts';
import type { BlockDevice, FlashTarget, HostFacts } from './target.ts';

/** The major:minor of a device number as Linux packs it (glibc's gnu_dev_major/minor). */
export function majorMinor(rdev: bigint): string {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function list(path: string): string[] {
  try {
    return readdirSync(path).sort();
  } catch {
    return [];
  }
}

/** sysfs as this machine has it. */
export const realSysfs: SysfsView = {
  nameOf(dev) {
    try {
      return basename(readlinkSync(`/sys/dev/block/${dev}`));
    } catch {
      return undefined;
    }
  },
  diskOfPartition(name) {
    if (!existsSync(`/sys/class/block/${name}/partition`)) return undefined;
    return basename(dirname(realpathSync(`/sys/class/block/${name}`)));
  },
  slaves(name) {
    return list(`/sys/class/block/${name}/slaves`);
  },
};

function blockDevice(name: string): BlockDevice {
  return { name, dev: (readText(`/sys/class/block/${name}/dev`) ?? '').trim(), holders: list(`/sys/class/block/${name}/holders`) };
}

function fileKind(stats: BigIntStats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** What `path` is, for writing `imagePath` to it. */
export function inspectTarget(path: string, imagePath: string): FlashTarget {
  let stats: BigIntStats;
  try {
    stats = statSync(path, { bigint: true });
  } catch {
    return { kind: 'missing', path };
  }
  const image = statSync(imagePath, { bigint: true });
  const sameAsImage = stats.dev === image.dev && stats.ino === image.ino;
  if (stats.isFile()) return { kind: 'file', path, realPath: realpathSync(path), size: Number(stats.size), sameAsImage };
  if (!stats.isBlockDevice()) return { kind: 'other', path, what: fileKind(stats) };
  const name = realSysfs.nameOf(majorMinor(stats.rdev));
  if (name === undefined) return { kind: 'other', path, what: `a block device (${majorMinor(stats.rdev)}) sysfs does not know` };
  const partitionOf = realSysfs.diskOfPartition(name);
  // A disk's partitions are the folders under it in sysfs that have a `partition` file.
  const partitions = partitionOf ? [] : list(`/sys/class/block/${name}`).filter((entry) => existsSync(`/sys/class/block/${name}/${entry}/partition`));
  const sectors = Number((readText(`/sys/class/block/${name}/size`) ?? '0').trim());
  const model = (readText(`/sys/block/${name}/device/model`) ?? readText(`/sys/block/${name}/loop/backing_file`))?.trim();
  return {
    kind: 'block',
    path,
    name,
    partitionOf,
    devices: [name, ...partitions].map(blockDevice),
    // sysfs counts 512-byte sectors whatever the device's own sector size.
    size: sectors * 512,
    model: model || undefined,
    sameAsImage,
  };
}

/** A /dev path with its symlinks resolved (/dev/disk/by-label/x -> /dev/sdb1); other sources as they are. */
function canonicalSource(source: string): string {
  if (!source.startsWith('/dev/')) return source;
  try {
    return realpathSync(source);
  } catch {
    return source;
  }
}

/** Mounts, swaps, loop devices and the disks the host runs from. */
export function inspectHost(): HostFacts {
  const mounts = [...parseMounts(readText('/proc/self/mounts') ?? ''), ...parseMountinfo(readText('/proc/self/mountinfo') ?? '')].map((m) => ({ ...m, source: canonicalSource(m.source) }));
  const swaps = parseSwaps(readText('/proc/swaps') ?? '').map(canonicalSource);
  const hostDisks = ['/', '/boot', '/usr'].flatMap((path) => {
    try {
      return [{ path, disks: disksOf(majorMinor(statSync(path, { bigint: true }).dev), realSysfs) }];
    } catch {
      return [];
    }
  });
  const loops = list('/sys/block')
    .filter((name) => name.startsWith('loop'))
    .flatMap((name) => {
      const file = readText(`/sys/block/${name}/loop/backing_file`)?.trim();
      return file ? [{ name, file }] : [];
    });
  return { mounts, swaps, hostDisks, loops };
}
