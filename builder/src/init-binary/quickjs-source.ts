/**
 * The QuickJS source tree the init binary is built from: where it comes from
 * (Debian's `quickjs` source package) and what the build takes from it (the
 * library's C files, its headers, its version and its compile defines). One
 * module, so a new QuickJS release means reading one file.
 *
 *   const { dir } = await fetchQuickjsSource(progress);
 *   const version = await readQuickjsVersion(dir);        // '2025-04-26'
 *   const flags = quickjsDefines(version);
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchDebianSource } from '../debian/source.ts';
import { sha256 } from '../io/cache.ts';
import type { Progress } from '../progress.ts';

/** Where the init's QuickJS comes from: Debian 13's `quickjs` source package (2025.04.26). */
export const quickjsRelease = 'trixie';

/**
 * Fetches and unpacks QuickJS's source from Debian (cached), for buildInit.
 *
 *   const { dir, version } = await fetchQuickjsSource(progress);
 *   await buildInit({ target, quickjsDir: dir, quickjsVersion: version, progress });
 *
 * Throws (with the apt error as cause) when the source cannot be fetched.
 */
export function fetchQuickjsSource(progress?: Progress): Promise<{ dir: string; version: string }> {
  return fetchDebianSource('quickjs', { release: quickjsRelease, progress });
}

/** The C files of QuickJS's runtime library, as in its Makefile's QJS_LIB_OBJS. */
export const quickjsLibrarySources = [
  'quickjs.c',
  'dtoa.c',
  'libregexp.c',
  'libunicode.c',
  'cutils.c',
  'quickjs-libc.c',
] as const;

/** The headers those files include; part of every cache key. */
const quickjsHeaders = [
  'quickjs.h',
  'quickjs-libc.h',
  'quickjs-atom.h',
  'quickjs-opcode.h',
  'cutils.h',
  'dtoa.h',
  'libregexp.h',
  'libregexp-opcode.h',
  'libunicode.h',
  'libunicode-table.h',
  'list.h',
];

/** Reads QuickJS's own version (the `VERSION` file), e.g. `2025-04-26`. */
export async function readQuickjsVersion(quickjsDir: string): Promise<string> {
  return (await readFile(join(quickjsDir, 'VERSION'), 'utf8')).trim();
}

/**
 * The preprocessor flags QuickJS's Makefile uses on Linux. HAVE_CLOSEFROM is
 * right for every target because all use Debian 12's glibc 2.36 (closefrom
 * exists since 2.34); the Makefile probes for it with a file Debian omits.
 */
export function quickjsDefines(version: string): string[] {
  return ['-D_GNU_SOURCE', `-DCONFIG_VERSION="${version}"`, '-DHAVE_CLOSEFROM'];
}

/**
 * A hash of the QuickJS sources (library, headers and any `extra` files such
 * as qjsc.c), so that cache keys change when the source tree does.
 */
export async function hashQuickjsSources(quickjsDir: string, extra: string[] = []): Promise<string> {
  const parts: string[] = [];
  for (const name of [...quickjsLibrarySources, ...quickjsHeaders, ...extra, 'VERSION']) {
    parts.push(`${name}:${sha256(await readFile(join(quickjsDir, name)))}`);
  }
  return sha256(parts.join('\n'));
}
