/**
 * U-Boot's legacy script image (what `mkimage -T script -C none` makes and
 * `source` runs), written here so a disk build needs no host mkimage. Pure.
 *
 * ```ts
 * const scr = scriptImage('echo hello\n', { arch: 'arm', time: 0 });   // imago/boot.scr
 * ```
 *
 * Layout (big-endian): a 64-byte header (magic 0x27051956, header CRC, time,
 * data size, load and entry address 0, data CRC, OS, architecture, type,
 * compression, 32-byte name), then the data: a table of part sizes ended by
 * 0 (one part here), then the script.
 */
import { crc32, encodeUtf8 } from '../../../contract/index.ts';

const magic = 0x27051956;
const headerSize = 64;
const osLinux = 5;
const typeScript = 6;
const compressionNone = 0;
const archCodes = { arm: 2, mips: 5, mips64: 6 } as const;

export interface ScriptImageOptions {
  /** The architecture recorded in the header, as mkimage's `-A` names it. */
  arch: keyof typeof archCodes;
  /** The header's time stamp (seconds since 1970): SOURCE_DATE_EPOCH, for reproducible images. */
  time: number;
  /** Up to 32 bytes of image name (`mkimage -n`); empty by default. */
  name?: string;
}

/** The image bytes for `script`. Throws when the name is longer than 32 bytes. */
export function scriptImage(script: string, options: ScriptImageOptions): Uint8Array {
  const body = encodeUtf8(script);
  const name = encodeUtf8(options.name ?? '');
  if (name.length > 32) throw new Error(`U-Boot script image name "${options.name}" is ${name.length} bytes: expected at most 32`);
  const data = new Uint8Array(8 + body.length);
  const dataView = new DataView(data.buffer);
  dataView.setUint32(0, body.length);
  dataView.setUint32(4, 0);
  data.set(body, 8);

  const image = new Uint8Array(headerSize + data.length);
  const view = new DataView(image.buffer);
  view.setUint32(0, magic);
  view.setUint32(8, options.time >>> 0);
  view.setUint32(12, data.length);
  view.setUint32(24, crc32(data));
  image[28] = osLinux;
  image[29] = archCodes[options.arch];
  image[30] = typeScript;
  image[31] = compressionNone;
  image.set(name, 32);
  // The header CRC is computed with its own field zero, then stored.
  view.setUint32(4, crc32(image.subarray(0, headerSize)));
  image.set(data, headerSize);
  return image;
}
