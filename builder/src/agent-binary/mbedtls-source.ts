/**
 * The mbed TLS source tree the agent's TLS comes from: Debian 13's `mbedtls`
 * source package (3.6.x, the LTS branch). 3.6 is chosen because it has TLS 1.3,
 * checks iPAddress subjectAltNames against an IP hostname (the fleet server is
 * often reached by address), and is maintained until 2027; Debian 12's 2.28
 * has neither.
 *
 *   const { dir, version } = await fetchMbedtlsSource(progress);
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchDebianSource } from '../debian/source.ts';
import { sha256 } from '../io/cache.ts';
import type { Progress } from '../progress.ts';

/** The Debian release mbed TLS is taken from (3.6 LTS). */
export const mbedtlsRelease = 'trixie';

/** Fetches and unpacks mbed TLS's source from Debian (cached). Throws with apt's error as cause. */
export function fetchMbedtlsSource(progress?: Progress): Promise<{ dir: string; version: string }> {
  return fetchDebianSource('mbedtls', { release: mbedtlsRelease, progress });
}

/** The library's C files (library/*.c): the build compiles all and lets the config header pick. */
export async function mbedtlsLibrarySources(mbedtlsDir: string): Promise<string[]> {
  const names = await readdir(join(mbedtlsDir, 'library'));
  return names.filter((name) => name.endsWith('.c')).sort();
}

/** A hash of every library C file and header, so cache keys change with the source tree. */
export async function hashMbedtlsSources(mbedtlsDir: string): Promise<string> {
  const parts: string[] = [];
  const dirs = ['library', join('include', 'mbedtls'), join('include', 'psa')];
  for (const dir of dirs) {
    const names = (await readdir(join(mbedtlsDir, dir))).filter((name) => /\.[ch]$/.test(name)).sort();
    for (const name of names) parts.push(`${dir}/${name}:${sha256(await readFile(join(mbedtlsDir, dir, name)))}`);
  }
  return sha256(parts.join('\n'));
}
