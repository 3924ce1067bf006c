/**
 * Where a board keeps its U-Boot environment, read from the `fw_env.config`
 * that libubootenv's fw_printenv/fw_setenv read, so the init and those tools
 * on the device agree from one file. Pure.
 *
 * ```ts
 * const location = parseFwEnvConfig(sys.readText('/etc/fw_env.config')!, '/etc/fw_env.config');
 * // { copies: [{ path: '/dev/mmcblk0', offset: 0x100000 }, { path: '/dev/mmcblk0', offset: 0x104000 }],
 * //   format: { size: 0x4000, redundant: true } }   (bigEndian: true too on a big-endian CPU, whose U-Boot stores the CRC so)
 * ```
 *
 * One line per copy (two for a redundant environment), `#` comments:
 *
 *   device  offset  size  [sector-size  [sectors  [disable-lock]]]
 *
 * The numbers are read as the tools' sscanf reads them: the offset in C's
 * notation (0x hex, a leading 0 octal, else decimal), the sizes always in hex,
 * with or without 0x ("4000" is 16 KiB). The sector fields only matter for
 * flash erases and are checked, not used.
 */
import { cpuIsBigEndian, type UbootEnvFormat } from '../../../contract/index.ts';
import { UbootEnvError } from './uboot-env.ts';

/** The copies' places and the format they share. */
export interface UbootEnvLocation {
  /** One entry per copy, in the config's order (copy 0 first). */
  copies: { path: string; offset: number }[];
  format: UbootEnvFormat;
}

/** The offset as strtoll(…, 0) reads it, or undefined when it is not a whole non-negative number. */
function cNumber(text: string): number | undefined {
  const value = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text.slice(2), 16) : /^0[0-7]*$/.test(text) ? parseInt(text, 8) : /^[1-9][0-9]*$/.test(text) ? parseInt(text, 10) : undefined;
  return value !== undefined && Number.isSafeInteger(value) ? value : undefined;
}

/** A size as "%zx"/"%lx" reads it: hex digits, 0x optional. */
function hexNumber(text: string): number | undefined {
  const digits = /^(?:0x)?([0-9a-f]+)$/i.exec(text)?.[1];
  const value = digits === undefined ? undefined : parseInt(digits, 16);
  return value !== undefined && Number.isSafeInteger(value) ? value : undefined;
}

/**
 * The environment's location from the text of an `fw_env.config` (`file` names
 * it in errors). Throws UbootEnvError naming the file, the line and the field
 * for a line that does not read as above, no copy or more than two, copies of
 * different sizes, copies that overlap, or an MTD/UBI device (flash needs an
 * erase before each write, which plain writes cannot do).
 */
export function parseFwEnvConfig(text: string, file: string): UbootEnvLocation {
  const copies: (UbootEnvLocation['copies'][number] & { size: number; line: number })[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const fields = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) return;
    const at = `${file}:${line}`;
    if (fields.length < 3 || fields.length > 6) throw new UbootEnvError(`${at}: ${fields.length} fields: expected "device offset size [sector-size [sectors [disable-lock]]]"`);
    const [path, offsetText, sizeText] = fields as [string, string, string];
    if (/^\/dev\/(mtd|ubi)/.test(path)) throw new UbootEnvError(`${at}: ${path} is flash (MTD/UBI), which needs an erase before each write: expected a block device or file (keep the environment on the MMC or disk)`);
    const offset = cNumber(offsetText);
    if (offset === undefined) throw new UbootEnvError(`${at}: offset "${offsetText}" is not a number: expected 0x-hex, 0-octal or decimal, as fw_setenv reads it`);
    const size = hexNumber(sizeText);
    if (size === undefined || size === 0) throw new UbootEnvError(`${at}: size "${sizeText}" is not a hex number above 0: expected hex as fw_setenv reads it ("4000" or "0x4000" is 16 KiB)`);
    fields.slice(3, 5).forEach((extra, n) => {
      if (hexNumber(extra) === undefined) throw new UbootEnvError(`${at}: ${n === 0 ? 'sector size' : 'sector count'} "${extra}" is not a hex number`);
    });
    copies.push({ path, offset, size, line });
  });
  if (copies.length === 0) throw new UbootEnvError(`${file}: no environment: expected one line "device offset size", or two for a redundant environment`);
  if (copies.length > 2) throw new UbootEnvError(`${file}:${copies[2]!.line}: a third copy: expected one line, or two for a redundant environment`);
  const [first, second] = copies as [(typeof copies)[number], (typeof copies)[number] | undefined];
  if (second && second.size !== first.size) {
    throw new UbootEnvError(`${file}:${second.line}: size 0x${second.size.toString(16)} differs from line ${first.line}'s 0x${first.size.toString(16)}: expected both copies the same size`);
  }
  if (second && second.path === first.path && Math.abs(second.offset - first.offset) < first.size) {
    throw new UbootEnvError(`${file}:${second.line}: the copy at 0x${second.offset.toString(16)} overlaps line ${first.line}'s at 0x${first.offset.toString(16)} (size 0x${first.size.toString(16)}): expected copies apart`);
  }
  return { copies: copies.map(({ path, offset }) => ({ path, offset })), format: { size: first.size, redundant: second !== undefined, ...(cpuIsBigEndian ? { bigEndian: true } : {}) } };
}
