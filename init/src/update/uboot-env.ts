/**
 * The init's side of U-Boot's environment: which copy is in use and why the
 * other is not, and the writes that change variables the way libubootenv's
 * `fw_setenv` does. Pure, for QuickJS and Node alike: the copies come in as
 * bytes and the writes go out as bytes (uboot-env-io.ts reads and writes the
 * device). The on-disk format is the contract's (contract/uboot-env.ts), which
 * the builder uses for the environment it puts on a fresh disk.
 *
 * ```ts
 * const format = { size: 0x4000, redundant: true };
 * const env = parseUbootEnv([copy0, copy1], format);     // env.passedOver says why the other copy lost
 * const { writes } = updateUbootEnv(env, { bootcount: '0', upgrade_available: null }, format);
 * ```
 *
 * Power cuts: with two copies every change is written to the copy not in use,
 * its flag one above the used one's (0 after 255), and the used copy is not
 * touched, so until the new copy is whole (CRC good) U-Boot, fw_printenv and
 * this module keep reading the previous one. A single copy is rewritten in
 * place and a cut there loses the environment: boards need the redundant one.
 */
import { crc32, planUbootEnvWrite, storedUbootEnvCrc, readUbootEnv, type UbootEnv, type UbootEnvFormat, type UbootEnvWrite } from '../../../contract/index.ts';

/** A change that cannot be made: the message names the variable or the copies, and what was expected. */
export class UbootEnvError extends Error {}

/** A copy that was not used, and why. */
export interface PassedOverCopy {
  copy: 0 | 1;
  /** E.g. "bad CRC-32 (stored 0x12345678, the data's is 0x9abcdef0)" or "older: flag 3, copy 1 has 4". */
  reason: string;
}

/** The environment as read, with the reasons behind the choice of copy. */
export interface ParsedUbootEnv extends UbootEnv {
  /** Every copy whose variables are not the ones in `vars`; empty for a good single copy. */
  passedOver: PassedOverCopy[];
}

/** Variables to set (a value) or delete (null or "", as `fw_setenv name` with no value deletes). */
export type UbootEnvChanges = Record<string, string | null>;

const erased = 0xff;

function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/**
 * Why one copy does not hold an environment, or undefined when its CRC-32 is
 * good. An erased (all 0xff) or blank (all 0x00) copy is said as such: that is
 * a copy never written, not a damaged one.
 */
export function ubootEnvCopyDefect(copy: Uint8Array, format: UbootEnvFormat): string | undefined {
  const header = format.redundant ? 5 : 4;
  const stored = storedUbootEnvCrc(copy, format);
  const computed = crc32(copy.subarray(header));
  if (stored === computed) return undefined;
  if (copy.every((byte) => byte === erased)) return 'erased (every byte 0xff): never written';
  if (copy.every((byte) => byte === 0)) return 'blank (every byte 0x00): never written';
  return `bad CRC-32 (stored ${hex32(stored)}, the data's is ${hex32(computed)}): a write cut short, or damaged`;
}

/** Why a copy with a good CRC lost to `used` under the format's flag rules (contract/uboot-env.ts). */
function olderReason(flags: number[], used: 0 | 1, format: UbootEnvFormat): string {
  const other = used === 0 ? 1 : 0;
  const [mine, theirs] = [flags[other]!, flags[used]!];
  if (mine === theirs) return `same flag ${mine} as copy ${used}, and copy 0 wins a tie`;
  if (format.flagScheme === 'boolean') {
    const name = (flag: number) => (flag === 1 ? 'active' : flag === 0 ? 'obsolete' : flag === erased ? 'erased' : `unknown ${flag}`);
    return `flag ${mine} (${name(mine)}) loses to copy ${used}'s ${theirs} (${name(theirs)})`;
  }
  if (mine === erased && theirs === 0) return `older: flag 255, copy ${used} has 0 (the counter wrapped)`;
  return `older: flag ${mine}, copy ${used} has ${theirs}`;
}

/**
 * Reads an environment from its copies (one, or two when `format.redundant`),
 * each exactly `format.size` bytes, choosing the copy as U-Boot does. Never
 * throws for bad contents: with no valid copy `valid` is false, `vars` empty
 * and `error` gives each copy's defect (U-Boot then boots with its built-in
 * default). Throws when the copies do not match the format (the caller's
 * mistake: a wrong count or size).
 */
export function parseUbootEnv(copies: readonly Uint8Array[], format: UbootEnvFormat): ParsedUbootEnv {
  const env = readUbootEnv(copies, format);
  const defects = copies.map((copy) => ubootEnvCopyDefect(copy, format));
  const flags = copies.map((copy) => (format.redundant ? copy[4]! : 0));
  const passedOver: PassedOverCopy[] = [];
  copies.forEach((_, n) => {
    if (env.valid && n === env.copy) return;
    passedOver.push({ copy: n as 0 | 1, reason: defects[n] ?? olderReason(flags, env.copy, format) });
  });
  if (env.valid) return { ...env, passedOver };
  return { ...env, passedOver, error: `U-Boot environment: ${noValidCopy(passedOver, format)}: U-Boot boots with its built-in default environment until one is written` };
}

/** "neither copy is valid (copy 0: ...; copy 1: ...)", from the copies' defects. */
function noValidCopy(passedOver: readonly PassedOverCopy[], format: UbootEnvFormat): string {
  const each = passedOver.map(({ copy, reason }) => (format.redundant ? `copy ${copy}: ${reason}` : reason)).join('; ');
  return `${format.redundant ? 'neither copy is valid' : 'the environment is not valid'} (${each})`;
}

/** Options of updateUbootEnv. */
export interface UbootEnvUpdateOptions {
  /**
   * The variables to start from when no copy is valid (U-Boot's built-in
   * default environment). Without them such an update throws: writing only
   * the changed variables would hide U-Boot's default `bootcmd` for good.
   */
  defaults?: Record<string, string>;
}

function checkName(name: string): void {
  if (name === '' || name.includes('=') || name.includes('\0')) {
    throw new UbootEnvError(`U-Boot environment: variable name "${name}" is invalid: expected a non-empty name without '=' or NUL`);
  }
}

function sameVars(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

/**
 * The writes that apply `changes` to `env` as `fw_setenv` would: the other
 * copy, whole, with the flag advanced (see the header for why that is safe),
 * or the single copy in place. `vars` is the environment the writes leave.
 * `writes` is empty when nothing changes, so a commit repeated at every boot
 * does not wear the flash. Throws UbootEnvError, before anything is written,
 * for a name that is empty or holds '=' or NUL, a value with NUL, variables
 * that no longer fit `format.size`, or an environment with no valid copy and
 * no `options.defaults`.
 */
export function updateUbootEnv(env: ParsedUbootEnv, changes: UbootEnvChanges, format: UbootEnvFormat, options: UbootEnvUpdateOptions = {}): { vars: Record<string, string>; writes: UbootEnvWrite[] } {
  const names = Object.keys(changes);
  names.forEach(checkName);
  if (!env.valid && !options.defaults) {
    throw new UbootEnvError(`U-Boot environment: unable to set ${names.join(', ') || 'variables'}: ${noValidCopy(env.passedOver, format)}: expected an environment written by the image build, U-Boot or fw_setenv (or defaults to start from)`);
  }
  const base = env.valid ? env.vars : options.defaults!;
  const vars = { ...base };
  for (const name of names) {
    const value = changes[name];
    if (value === null || value === undefined || value === '') delete vars[name];
    else vars[name] = value;
  }
  if (env.valid && sameVars(vars, base)) return { vars, writes: [] };
  try {
    return { vars, writes: planUbootEnvWrite(env, vars, format) };
  } catch (error) {
    throw new UbootEnvError((error as Error).message, { cause: error });
  }
}
