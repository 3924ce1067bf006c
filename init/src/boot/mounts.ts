/**
 * Early boot as a data table: the file systems PID 1 mounts, in order. One loop
 * applies it, so adding a mount is adding a row.
 */
import { type MountFlag, SysError, type Sys } from '../sys/sys.ts';
import { copyTree } from './copy-tree.ts';

export interface MountRow {
  source: string;
  target: string;
  fstype: string;
  flags: readonly MountFlag[];
  data: string;
  /** Mode of the mount point when it must be created. */
  mode: number;
  /**
   * The new file system starts with a copy of what the image has at the target
   * (what packages ship under /var, the spec's files there), instead of empty.
   */
  seeded?: true;
}

/** Where a seeded file system is filled before it is moved over its target; /run is mounted by then. */
export const seedStaging = '/run/imago/seed';

const secure: readonly MountFlag[] = ['nosuid', 'nodev', 'noexec'];

/** The kernel file systems and the writable tmpfs areas of an immutable root. */
export const bootMounts: readonly MountRow[] = [
  { source: 'proc', target: '/proc', fstype: 'proc', flags: secure, data: '', mode: 0o555 },
  { source: 'sysfs', target: '/sys', fstype: 'sysfs', flags: secure, data: '', mode: 0o555 },
  // Debian's kernels leave DEVTMPFS_MOUNT off; a kernel that mounted it already makes this EBUSY.
  { source: 'devtmpfs', target: '/dev', fstype: 'devtmpfs', flags: ['nosuid'], data: 'mode=0755', mode: 0o755 },
  { source: 'devpts', target: '/dev/pts', fstype: 'devpts', flags: ['nosuid', 'noexec'], data: 'gid=5,mode=0620,ptmxmode=0666', mode: 0o755 },
  { source: 'shm', target: '/dev/shm', fstype: 'tmpfs', flags: ['nosuid', 'nodev'], data: 'mode=1777', mode: 0o1777 },
  { source: 'run', target: '/run', fstype: 'tmpfs', flags: ['nosuid', 'nodev'], data: 'mode=0755', mode: 0o755 },
  { source: 'tmp', target: '/tmp', fstype: 'tmpfs', flags: ['nosuid', 'nodev'], data: 'mode=1777', mode: 0o1777 },
  { source: 'var', target: '/var', fstype: 'tmpfs', flags: ['nosuid', 'nodev', 'relatime'], data: 'mode=0755', mode: 0o755, seeded: true },
  { source: 'cgroup2', target: '/sys/fs/cgroup', fstype: 'cgroup2', flags: [...secure, 'relatime'], data: 'nsdelegate', mode: 0o555 },
];

/** Mounts every row; an already-mounted target (EBUSY) is fine, anything else is logged by the caller. */
export function applyMounts(sys: Sys, rows: readonly MountRow[], warn: (message: string) => void): void {
  for (const row of rows) {
    try {
      sys.mkdirs(row.target, row.mode);
      if (row.seeded && sys.listDir(row.target).length > 0) {
        mountSeeded(sys, row, warn);
        continue;
      }
      try {
        sys.mount(row.source, row.target, row.fstype, row.flags, row.data);
      } catch (error) {
        if (!(error instanceof SysError && error.errno === sys.errno.EBUSY)) throw error;
      }
    } catch (error) {
      warn(error instanceof Error ? error.message : String(error));
    }
  }
}

/**
 * Mounts the row's file system at a staging folder, copies the image's tree at
 * the target into it, and moves it over the target. Copying (not an overlay)
 * needs nothing from the kernel beyond tmpfs, so it works with every target's
 * kernel, including the ones built without CONFIG_OVERLAY_FS.
 */
function mountSeeded(sys: Sys, row: MountRow, warn: (message: string) => void): void {
  sys.mkdirs(seedStaging, 0o700);
  sys.mount(row.source, seedStaging, row.fstype, row.flags, row.data);
  copyTree(sys, row.target, seedStaging, warn);
  sys.moveMount(seedStaging, row.target);
}

/** Makes the root file system read-only: the image is immutable once set up. */
export function sealRoot(sys: Sys): void {
  sys.remountReadOnly('/');
}
