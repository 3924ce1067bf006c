/**
 * U-Boot's legacy image format (what `mkimage -T <type>` writes and `bootm` /
 * `source` read), written here so a disk build needs no host mkimage. Pure.
 *
 * ```ts
 * const uImage = legacyImage(flat.data, { type: 'kernel', arch: 'mips', load: flat.load, entry: flat.entry, time: 0 });
 * ```
 *
 * Layout (big-endian): a 64-byte header (magic 0x27051956, header CRC, time,
 * data size, load address, entry point, data CRC, OS, architecture, type,
 * compression, 32-byte name), then the data.
 */
import { crc32, encodeUtf8 } from '../../../contract/index.ts';

const magic = 0x27051956;
/** The header's size; the data follows it. */
export const legacyHeaderSize = 64;
const osLinux = 5;
const compressionNone = 0;
/** `mkimage -A` names and their codes (include/image.h IH_ARCH_*). */
export const legacyArchCodes = { arm: 2, mips: 5, mips64: 6 } as const;
/** `mkimage -T` names and their codes (IH_TYPE_*). */
const typeCodes = { kernel: 2, script: 6 } as const;

export interface LegacyImageOptions {
  type: keyof typeof typeCodes;
  /** The architecture recorded in the header, as mkimage's `-A` names it. */
  arch: keyof typeof legacyArchCodes;
  /** The header's time stamp (seconds since 1970): SOURCE_DATE_EPOCH, for reproducible images. */
  time: number;
  /** Where bootm copies the data, and where it jumps (32 bits: the header has no room for more); 0 for a script. */
  load?: number;
  entry?: number;
  /** Up to 32 bytes of image name (`mkimage -n`); empty by default. */
  name?: string;
}

/** The image bytes: header, then `data` as is (compression none). Throws on a name over 32 bytes or an address over 32 bits. */
export function legacyImage(data: Uint8Array, options: LegacyImageOptions): Uint8Array {
  const name = encodeUtf8(options.name ?? '');
  if (name.length > 32) throw new Error(`U-Boot image name "${options.name}" is ${name.length} bytes: expected at most 32`);
  for (const field of ['load', 'entry'] as const) {
    const value = options[field] ?? 0;
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`U-Boot image ${field} address ${value}: expected a 32-bit address (0 to 0xffffffff)`);
  }
  const image = new Uint8Array(legacyHeaderSize + data.length);
  const view = new DataView(image.buffer);
  view.setUint32(0, magic);
  view.setUint32(8, options.time >>> 0);
  view.setUint32(12, data.length);
  view.setUint32(16, options.load ?? 0);
  view.setUint32(20, options.entry ?? 0);
  view.setUint32(24, crc32(data));
  image[28] = osLinux;
  image[29] = legacyArchCodes[options.arch];
  image[30] = typeCodes[options.type];
  image[31] = compressionNone;
  image.set(name, 32);
  // The header CRC is computed with its own field zero, then stored.
  view.setUint32(4, crc32(image.subarray(0, legacyHeaderSize)));
  image.set(data, legacyHeaderSize);
  return image;
}
