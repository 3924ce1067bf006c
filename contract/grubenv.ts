/**
 * GRUB's environment block: a file of exactly 1024 bytes, "# GRUB Environment
 * Block\n", then `name=value` lines, padded with '#'. GRUB's load_env and
 * save_env read and rewrite it in place; the init does the same (same size, same
 * place) so the file's clusters on the FAT never move and GRUB can always write it.
 *
 * ```ts
 * const env = decodeGrubenv(bytes);            // { imago_committed: 'A', ... }
 * const out = encodeGrubenv({ ...env, imago_trial: 'B', imago_tries: '1' });
 * ```
 */
import { decodeUtf8, encodeUtf8 } from './utf8.ts';

export const grubenvSize = 1024;
const header = '# GRUB Environment Block\n';

/** The variables of an environment block; a missing or foreign file gives {}. */
export function decodeGrubenv(bytes: Uint8Array): Record<string, string> {
  const text = decodeUtf8(bytes);
  if (!text.startsWith(header)) return {};
  const env: Record<string, string> = {};
  for (const line of text.slice(header.length).split('\n')) {
    if (line.startsWith('#') || !line.includes('=')) continue;
    const at = line.indexOf('=');
    env[line.slice(0, at)] = line.slice(at + 1).replace(/\\(.)/g, '$1');
  }
  return env;
}

/** A 1024-byte block holding `env` in name order. Throws when it does not fit. */
export function encodeGrubenv(env: Record<string, string>): Uint8Array {
  let text = header;
  for (const name of Object.keys(env).sort()) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`grubenv: invalid variable name "${name}"`);
    text += `${name}=${env[name]!.replace(/([\\\n])/g, '\\$1')}\n`;
  }
  const body = encodeUtf8(text);
  if (body.length > grubenvSize) throw new Error(`grubenv: ${body.length} bytes do not fit in ${grubenvSize}`);
  const block = new Uint8Array(grubenvSize).fill(0x23);
  block.set(body);
  return block;
}
