import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The root of imago's cache: `$IMAGO_CACHE`, else `$XDG_CACHE_HOME/imago`, else `~/.cache/imago`.
 * Everything below it can be deleted at any time; it only saves downloads and compiles.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.IMAGO_CACHE) return env.IMAGO_CACHE;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'imago');
}

/** A stable short hash of the given parts, for content-addressed cache keys. */
export function cacheKey(...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(part);
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 24);
}

/** The sha256 of some bytes, as lowercase hex. */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
