/**
 * Reads a spec file's text, refusing what cannot be a spec before reading
 * much of it: something other than a regular file (`/dev/zero` would be read
 * forever), a file over 1 MiB (specs are a few KiB), UTF-16 (what some
 * Windows editors save) and bytes that are not UTF-8.
 *
 *   const read = await readSpecFile('images/minimal.yml');  // { text } or { problem }
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** The largest spec read; the biggest shipped one is about 6 KiB. */
export const maxSpecBytes = 1024 * 1024;

/** What the file is, for "not a regular file" messages. */
function kindOf(stats: import('node:fs').Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a pipe';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Why `bytes` are not UTF-8 text, or undefined when they are. */
function encodingProblem(bytes: Buffer): string | undefined {
  const utf16Bom = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  // UTF-16 without a byte order mark still puts a NUL beside every ASCII character.
  if (utf16Bom || (bytes.length >= 2 && (bytes[0] === 0 || bytes[1] === 0))) return 'the file is UTF-16; save it as UTF-8';
  const nul = bytes.indexOf(0);
  if (nul >= 0) return `the file has a NUL byte at offset ${nul}: it is binary, not YAML text`;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'the file is not UTF-8 text; save it as UTF-8';
  }
  return undefined;
}

/** The spec's text, or why it cannot be one (the message for `FILE: message`). */
export async function readSpecFile(file: string): Promise<{ text: string; problem?: undefined } | { text?: undefined; problem: string }> {
  let handle;
  try {
    // O_NONBLOCK: opening a pipe with no writer would otherwise wait forever before fstat can refuse it.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: `cannot read spec: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error)}` };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { problem: `cannot read spec: ${kindOf(stats)}, not a regular file; give the path of a YAML spec` };
    // One byte more than allowed tells "too big" apart from "exactly the limit" without trusting st_size.
    const buffer = Buffer.alloc(maxSpecBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxSpecBytes) return { problem: 'the file is larger than 1 MiB; a spec is a few KiB of YAML: is this the right file?' };
    const bytes = buffer.subarray(0, length);
    const problem = encodingProblem(bytes);
    return problem ? { problem } : { text: bytes.toString('utf8') };
  } finally {
    await handle.close();
  }
}
