/**
 * Reads and writes U-Boot's environment on a block device or file at the
 * places fw_env.config gives (uboot-env-config.ts). Thin: the choice of copy
 * and the bytes to write are uboot-env.ts's; this only moves bytes, through
 * Sys, so the update tests can cut the power at every step.
 *
 * ```ts
 * const location = parseFwEnvConfig(sys.readText(fwEnvConfigPath)!, fwEnvConfigPath);
 * const { env, written } = changeUbootEnv(sys, location, { bootcount: '0', upgrade_available: null });
 * ```
 */
import type { UbootEnvWrite } from '../../../contract/index.ts';
import type { Sys } from '../sys/sys.ts';
import { readAt } from './files.ts';
import type { UbootEnvLocation } from './uboot-env-config.ts';
import { parseUbootEnv, updateUbootEnv, type ParsedUbootEnv, type UbootEnvChanges, type UbootEnvUpdateOptions } from './uboot-env.ts';

/** Where libubootenv's tools, and so the init, look for the environment's location. */
export const fwEnvConfigPath = '/etc/fw_env.config';

function place(location: UbootEnvLocation, copy: number): string {
  const { path, offset } = location.copies[copy]!;
  return `${path} at 0x${offset.toString(16)}`;
}

/** Exactly `length` bytes at `offset` of `path`; throws naming both when the device ends first. */
function readExactly(sys: Sys, path: string, offset: number, length: number): Uint8Array {
  const fd = sys.openRead(path);
  try {
    const bytes = readAt(sys, fd, offset, length);
    if (bytes.length < length) throw new Error(`unable to read the U-Boot environment from ${path} at 0x${offset.toString(16)}: it ends after ${bytes.length} of ${length} bytes (fw_env.config's offset or size is wrong)`);
    return bytes;
  } finally {
    sys.close(fd);
  }
}

/** Each copy's bytes, in the location's order. Throws a SysError or a short-read error naming the place. */
export function readUbootEnvCopies(sys: Sys, location: UbootEnvLocation): Uint8Array[] {
  return location.copies.map(({ path, offset }) => readExactly(sys, path, offset, location.format.size));
}

/** The environment at `location`, its copy chosen as U-Boot chooses it. */
export function loadUbootEnv(sys: Sys, location: UbootEnvLocation): ParsedUbootEnv {
  return parseUbootEnv(readUbootEnvCopies(sys, location), location.format);
}

/**
 * Carries out `writes` in order, each synced before the next begins: the
 * order is what makes a redundant environment power-cut safe (the boolean
 * scheme's "new copy active" must be durable before "old copy obsolete").
 */
export function writeUbootEnvCopies(sys: Sys, location: UbootEnvLocation, writes: readonly UbootEnvWrite[]): void {
  for (const write of writes) {
    const { path, offset } = location.copies[write.copy]!;
    const fd = sys.openWrite(path);
    try {
      sys.seek(fd, offset + write.offset);
      sys.write(fd, write.bytes, place(location, write.copy));
      sys.fsync(fd, place(location, write.copy));
    } finally {
      sys.close(fd);
    }
  }
}

/**
 * Reads the environment, applies `changes` as fw_setenv does and writes the
 * result (nothing when nothing changes). Returns the environment as it was
 * read, the variables now stored and how many writes were made. Throws
 * UbootEnvError for a change that cannot be made (nothing written) and
 * SysError when the device cannot be read or written.
 */
export function changeUbootEnv(sys: Sys, location: UbootEnvLocation, changes: UbootEnvChanges, options?: UbootEnvUpdateOptions): { env: ParsedUbootEnv; vars: Record<string, string>; written: number } {
  const env = loadUbootEnv(sys, location);
  const { vars, writes } = updateUbootEnv(env, changes, location.format, options);
  writeUbootEnvCopies(sys, location, writes);
  return { env, vars, written: writes.length };
}
