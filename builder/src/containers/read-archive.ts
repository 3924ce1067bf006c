/**
 * Reads a tar archive (plain or gzip-compressed) into memory: regular files by
 * normalised path. For container archives, which hold a few blobs.
 *
 *   const files = await readTarFiles(await readFile('app.tar'));   // Map { 'index.json' => ..., ... }
 */
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { Readable } from 'node:stream';
import { normalisePath } from '../tree/tree.ts';

/** Regular files of a tar archive by path (`./` and leading slashes removed); gzip is detected by its magic bytes. */
export async function readTarFiles(data: Uint8Array): Promise<Map<string, Uint8Array>> {
  const tar = data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data;
  const files = new Map<string, Uint8Array>();
  const archive = extract();
  Readable.from([Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength)]).pipe(archive);
  for await (const entry of archive) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') files.set(normalisePath(entry.header.name), Buffer.concat(chunks));
  }
  return files;
}
