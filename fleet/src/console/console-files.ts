/**
 * The web console's files as the server holds them: each with its type, its
 * bytes, the same gzipped (compressed once, when built) and an ETag.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface ConsoleFile {
  type: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

/** URL path (`/`, `/app.js`) to file. */
export type ConsoleFiles = Map<string, ConsoleFile>;

export function consoleFile(type: string, body: Buffer): ConsoleFile {
  // gzip's header carries no time or name from zlib's gzipSync, so the bytes depend only on the input.
  return { type, body, gzip: gzipSync(body, { level: 9 }), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** Everything a browser loads, gzipped, in bytes: what the console costs over the wire. */
export function gzipBytes(files: ConsoleFiles): number {
  let total = 0;
  for (const file of files.values()) total += file.gzip.length;
  return total;
}
