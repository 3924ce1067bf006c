/**
 * Early boot as a data table: the file systems PID 1 mounts, in order. One loop
 * applies it, so adding a mount is adding a row.
 */
import * as native from 'imago:native';
import { check } from '../sys/quickjs.ts';
import type { Sys } from '../sys/sys.ts';

export interface MountRow {
  source: string;
  target: string;
  fstype: string;
  flags: number;
  data: string;
  /** Mode of the mount point when it must be created. */
  mode: number;
}

const { MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_RELATIME } = native;
const secure = MS_NOSUID | MS_NODEV | MS_NOEXEC;

/** The kernel file systems and the writable tmpfs areas of an immutable root. */
export const bootMounts: readonly MountRow[] = [
  { source: 'proc', target: '/proc', fstype: 'proc', flags: secure, data: '', mode: 0o555 },
  { source: 'sysfs', target: '/sys', fstype: 'sysfs', flags: secure, data: '', mode: 0o555 },
  // Debian's kernels leave DEVTMPFS_MOUNT off; a kernel that mounted it already makes this EBUSY.
  { source: 'devtmpfs', target: '/dev', fstype: 'devtmpfs', flags: MS_NOSUID, data: 'mode=0755', mode: 0o755 },
  { source: 'devpts', target: '/dev/pts', fstype: 'devpts', flags: MS_NOSUID | MS_NOEXEC, data: 'gid=5,mode=0620,ptmxmode=0666', mode: 0o755 },
  { source: 'shm', target: '/dev/shm', fstype: 'tmpfs', flags: MS_NOSUID | MS_NODEV, data: 'mode=1777', mode: 0o1777 },
  { source: 'run', target: '/run', fstype: 'tmpfs', flags: MS_NOSUID | MS_NODEV, data: 'mode=0755', mode: 0o755 },
  { source: 'tmp', target: '/tmp', fstype: 'tmpfs', flags: MS_NOSUID | MS_NODEV, data: 'mode=1777', mode: 0o1777 },
  { source: 'var', target: '/var', fstype: 'tmpfs', flags: MS_NOSUID | MS_NODEV | MS_RELATIME, data: 'mode=0755', mode: 0o755 },
  { source: 'cgroup2', target: '/sys/fs/cgroup', fstype: 'cgroup2', flags: secure | MS_RELATIME, data: 'nsdelegate', mode: 0o555 },
];

/** Mounts every row; an already-mounted target (EBUSY) is fine, anything else is logged by the caller. */
export function applyMounts(sys: Sys, rows: readonly MountRow[], warn: (message: string) => void): void {
  for (const row of rows) {
    try {
      sys.mkdirs(row.target, row.mode);
      const result = native.mount(row.source, row.target, row.fstype, row.flags, row.data);
      if (result !== -native.EBUSY) check(result, `mount ${row.fstype} on`, row.target);
    } catch (error) {
      warn(error instanceof Error ? error.message : String(error));
    }
  }
}

/** Makes the root file system read-only: the image is immutable once set up. */
export function sealRoot(): void {
  check(native.mount('', '/', '', native.MS_REMOUNT | native.MS_RDONLY, ''), 'remount', '/ read-only');
}
