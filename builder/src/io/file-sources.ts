/**
 * Reads the `source:` files of a spec's `files:` list (the top-level one or a
 * built container's), relative to the spec's folder, for the pure planners.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** The bytes of each entry of `files` that has a `source`, by its index in the list. */
export async function readFileSources(specDir: string, files: readonly { source?: string }[] = []): Promise<Map<number, Uint8Array>> {
  const sources = new Map<number, Uint8Array>();
  for (const [index, file] of files.entries()) {
    if (file.source) sources.set(index, await readFile(resolve(specDir, file.source)));
  }
  return sources;
}
