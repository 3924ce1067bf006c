/**
 * U-Boot's legacy script image (what `mkimage -T script -C none` makes and
 * `source` runs). Pure.
 *
 * ```ts
 * const scr = scriptImage('echo hello\n', { arch: 'arm', time: 0 });   // imago/boot.scr
 * ```
 *
 * The data after the legacy header (legacy-image.ts): a table of part sizes
 * ended by 0 (one part here), then the script.
 */
import { encodeUtf8 } from '../../../contract/index.ts';
import { legacyImage, type LegacyImageOptions } from './legacy-image.ts';

export type ScriptImageOptions = Pick<LegacyImageOptions, 'arch' | 'time' | 'name'>;

/** The image bytes for `script`. Throws when the name is longer than 32 bytes. */
export function scriptImage(script: string, options: ScriptImageOptions): Uint8Array {
  const body = encodeUtf8(script);
  const data = new Uint8Array(8 + body.length);
  const dataView = new DataView(data.buffer);
  dataView.setUint32(0, body.length);
  dataView.setUint32(4, 0);
  data.set(body, 8);
  return legacyImage(data, { ...options, type: 'script' });
}
