/**
 * U-Boot's environment, as U-Boot's `saveenv`, `mkenvimage` and libubootenv's
 * `fw_setenv` store it: a copy of exactly `size` bytes (CONFIG_ENV_SIZE) holding
 * a CRC-32 of the data (in the CPU's byte order), with a redundant environment a flag byte,
 * then `name=value\0...name=value\0\0` padded to the end. Pure: the caller reads
 * and writes the copies.
 *
 * ```ts
 * const format = { size: 0x4000, redundant: true };
 * const env = readUbootEnv([copy0, copy1], format);     // env.vars, env.error when no copy is valid
 * for (const write of planUbootEnvWrite(env, { ...env.vars, imago_trial: 'B' }, format))
 *   writeAt(write.copy, write.offset, write.bytes);     // in this order, each synced
 * ```
 *
 * With two copies a write goes to the copy not in use, with the flag advanced,
 * so a power cut mid-write leaves a bad CRC there and the previous copy wins.
 * How the flags order two valid copies (the bootloader's rules, env/common.c and
 * env/flash.c, which libubootenv follows):
 *
 * - incremental (block devices, MMC, files): the copy with the larger flag,
 *   except that 0 is newer than 255 (the counter wraps); equal flags: copy 0.
 * - boolean (NOR/NAND flash, where bits are cleared without an erase): the new
 *   copy is written active (1), then the old one's flag is cleared to obsolete (0).
 *   1 beats 0; equal flags: copy 0; else an erased 0xff flag marks the copy in use.
 */
import { crc32 } from './crc32.ts';
import { decodeUtf8, encodeUtf8 } from './utf8.ts';

export type UbootEnvFlagScheme = 'incremental' | 'boolean';

/** Where and how a board keeps its environment; both sides must agree on it. */
export interface UbootEnvFormat {
  /** Bytes of one copy, header included (CONFIG_ENV_SIZE). */
  size: number;
  /** Two copies, each with a flag byte (CONFIG_SYS_REDUNDAND_ENVIRONMENT). */
  redundant: boolean;
  /** How flags order the copies; default incremental. */
  flagScheme?: UbootEnvFlagScheme;
  /** The byte after the variables: 0x00 as U-Boot's saveenv writes (default), 0xff as mkenvimage does. */
  padding?: number;
  /**
   * The CRC-32's byte order is the CPU's (U-Boot stores it as a native
   * uint32_t; `mkenvimage -b`): true on a big-endian board (mips, mips64).
   * Default little-endian.
   */
  bigEndian?: boolean;
}

/** Whether this CPU is big-endian: the byte order of a U-Boot environment the init reads on its own board. */
export const cpuIsBigEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 0;

/** The CRC-32 stored at the start of a copy, in the format's byte order. */
export function storedUbootEnvCrc(copy: Uint8Array, format: Pick<UbootEnvFormat, 'bigEndian'>): number {
  const [a, b, c, d] = format.bigEndian ? [copy[3]!, copy[2]!, copy[1]!, copy[0]!] : [copy[0]!, copy[1]!, copy[2]!, copy[3]!];
  return (a | (b << 8) | (c << 16) | (d << 24)) >>> 0;
}

/** The environment as read: the variables of the copy in use. */
export interface UbootEnv {
  vars: Record<string, string>;
  /** The copy the variables came from; with no valid copy, the one U-Boot would use (0). */
  copy: 0 | 1;
  /** That copy's flag byte (0 for a single copy). */
  flag: number;
  /** False when no copy has a good CRC: `vars` is empty and `error` says why. */
  valid: boolean;
  error?: string;
}

/** One write to carry out: `bytes` at `offset` within copy `copy`. */
export interface UbootEnvWrite {
  copy: 0 | 1;
  offset: number;
  bytes: Uint8Array;
}

const activeFlag = 1;
const obsoleteFlag = 0;

function headerSize(format: UbootEnvFormat): number {
  return format.redundant ? 5 : 4;
}

function checkFormat(format: UbootEnvFormat): void {
  if (!Number.isInteger(format.size) || format.size <= headerSize(format) + 1) {
    throw new Error(`U-Boot environment: size ${format.size} is too small: expected a whole number of bytes above ${headerSize(format) + 1}`);
  }
}

/** The variables of a copy's data area: entries up to the first empty one; later duplicates win, entries without '=' are skipped. */
export function decodeUbootEnvVars(data: Uint8Array): Record<string, string> {
  const vars: Record<string, string> = {};
  let start = 0;
  while (start < data.length && data[start] !== 0) {
    let end = data.indexOf(0, start);
    if (end < 0) end = data.length;
    const entry = decodeUtf8(data.subarray(start, end));
    const at = entry.indexOf('=');
    if (at > 0) vars[entry.slice(0, at)] = entry.slice(at + 1);
    start = end + 1;
  }
  return vars;
}

/**
 * One copy of `size` bytes holding `vars` in name order (as U-Boot and
 * libubootenv sort them). Empty values are left out: U-Boot deletes a variable
 * set to "". Throws naming the variable for a name that is empty or holds '='
 * or NUL, a value holding NUL, or variables that do not fit.
 */
export function encodeUbootEnvCopy(vars: Record<string, string>, format: UbootEnvFormat, flag = activeFlag): Uint8Array {
  checkFormat(format);
  const entries: Uint8Array[] = [];
  for (const name of Object.keys(vars).sort()) {
    const value = vars[name]!;
    if (name === '' || /[=\0]/.test(name)) throw new Error(`U-Boot environment: variable name "${name}" is invalid: expected a non-empty name without '=' or NUL`);
    if (value.includes('\0')) throw new Error(`U-Boot environment: variable ${name}'s value holds a NUL byte: expected text without NUL`);
    if (value !== '') entries.push(encodeUtf8(`${name}=${value}\0`));
  }
  const header = headerSize(format);
  const room = format.size - header;
  const needed = entries.reduce((sum, entry) => sum + entry.length, 0) + 1;
  if (needed > room) {
    const largest = Object.keys(vars).sort((a, b) => vars[b]!.length - vars[a]!.length)[0];
    throw new Error(`U-Boot environment: the variables take ${needed} bytes, a ${format.size}-byte environment holds ${room}: expected a shorter value (the longest is ${largest}) or a larger size`);
  }
  const copy = new Uint8Array(format.size).fill(format.padding ?? 0);
  let at = header;
  for (const entry of entries) {
    copy.set(entry, at);
    at += entry.length;
  }
  copy[at] = 0;
  if (format.redundant) copy[4] = flag & 0xff;
  const crc = crc32(copy.subarray(header));
  const little = [crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24];
  copy.set(format.bigEndian ? little.reverse() : little, 0);
  return copy;
}

function crcMatches(copy: Uint8Array, format: UbootEnvFormat): boolean {
  return storedUbootEnvCrc(copy, format) === crc32(copy.subarray(headerSize(format)));
}

/** The copy in use when both are valid, by the flag scheme's rules (see the header). */
export function newerUbootEnvCopy(flag0: number, flag1: number, scheme: UbootEnvFlagScheme = 'incremental'): 0 | 1 {
  if (scheme === 'boolean') {
    if (flag0 === activeFlag && flag1 === obsoleteFlag) return 0;
    if (flag0 === obsoleteFlag && flag1 === activeFlag) return 1;
    if (flag0 === flag1 || flag0 === 0xff) return 0;
    return flag1 === 0xff ? 1 : 0;
  }
  if (flag0 === 0xff && flag1 === 0) return 1;
  if (flag1 === 0xff && flag0 === 0) return 0;
  return flag1 > flag0 ? 1 : 0;
}

/**
 * Reads an environment from its copies (one, or two when redundant), each
 * exactly `format.size` bytes. Never throws for bad contents: with no valid
 * copy the result is empty, `valid` false and `error` says so, as U-Boot then
 * falls back to its built-in default. Throws when the copies do not match the
 * format (a caller's mistake).
 */
export function readUbootEnv(copies: readonly Uint8Array[], format: UbootEnvFormat): UbootEnv {
  checkFormat(format);
  const expected = format.redundant ? 2 : 1;
  if (copies.length !== expected) throw new Error(`U-Boot environment: got ${copies.length} copies, expected ${expected} for a ${format.redundant ? 'redundant' : 'single'} environment`);
  copies.forEach((copy, n) => {
    if (copy.length !== format.size) throw new Error(`U-Boot environment: copy ${n} is ${copy.length} bytes, expected ${format.size} (the environment size)`);
  });
  const header = headerSize(format);
  const good = copies.map((copy) => crcMatches(copy, format));
  const flags = copies.map((copy) => (format.redundant ? copy[4]! : 0));
  let copy: 0 | 1;
  if (good[0] && good[1]) copy = newerUbootEnvCopy(flags[0]!, flags[1]!, format.flagScheme);
  else copy = good[1] ? 1 : 0;
  if (!good[copy]) {
    const which = format.redundant ? 'neither copy has a' : 'the environment has no';
    return { vars: {}, copy, flag: flags[copy]!, valid: false, error: `U-Boot environment: ${which} valid CRC-32: expected one written by U-Boot, mkenvimage or fw_setenv (U-Boot uses its built-in default)` };
  }
  return { vars: decodeUbootEnvVars(copies[copy]!.subarray(header)), copy, flag: flags[copy]!, valid: true };
}

/**
 * The writes that replace `current` (as read) by `vars`, in order. Redundant:
 * the whole other copy with the flag advanced (incremental: +1, wrapping at
 * 255; boolean: active), then for the boolean scheme the old copy's flag byte
 * set to obsolete. Single: the one copy in place, which a power cut can break.
 * Throws as encodeUbootEnvCopy does, before anything is written.
 */
export function planUbootEnvWrite(current: UbootEnv, vars: Record<string, string>, format: UbootEnvFormat): UbootEnvWrite[] {
  if (!format.redundant) return [{ copy: 0, offset: 0, bytes: encodeUbootEnvCopy(vars, format) }];
  const scheme = format.flagScheme ?? 'incremental';
  const target: 0 | 1 = current.copy === 0 ? 1 : 0;
  const flag = scheme === 'incremental' ? (current.flag + 1) & 0xff : activeFlag;
  const writes: UbootEnvWrite[] = [{ copy: target, offset: 0, bytes: encodeUbootEnvCopy(vars, format, flag) }];
  if (scheme === 'boolean' && current.valid) writes.push({ copy: current.copy, offset: 4, bytes: Uint8Array.of(obsoleteFlag) });
  return writes;
}

/**
 * A fresh environment area as a disk image carries it: one copy, or for a
 * redundant environment copy 0 (flag 1) followed by an erased copy 1 (all
 * 0xff, invalid), so the first write goes to copy 1.
 */
export function encodeUbootEnvImage(vars: Record<string, string>, format: UbootEnvFormat): Uint8Array {
  const first = encodeUbootEnvCopy(vars, format, activeFlag);
  if (!format.redundant) return first;
  const image = new Uint8Array(2 * format.size).fill(0xff);
  image.set(first);
  return image;
}
