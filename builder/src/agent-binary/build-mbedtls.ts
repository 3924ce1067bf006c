/**
 * mbed TLS compiled for one target as a static library, with our own
 * configuration header (init/native/tls/imago-mbedtls-config.h). Cached like
 * the QuickJS library: it changes only with the source, the header, the
 * flags or the compiler.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import type { Progress } from '../progress.ts';
import { cacheKey, cacheRoot, sha256 } from '../io/cache.ts';
import { run } from '../io/exec.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { compileAll, compilerVersion } from '../io/compiler.ts';
import { repoRoot } from '../init-binary/esbuild-init.ts';
import { type Optimize, prefixMap, runtimeCflags, targetCompiler } from '../init-binary/runtime-flags.ts';
import { hashMbedtlsSources, mbedtlsLibrarySources } from './mbedtls-source.ts';

/** Where our configuration header lives; the agent's C includes it too. */
export const mbedtlsConfigDir = join(repoRoot, 'init', 'native', 'tls');
export const mbedtlsConfigHeader = 'imago-mbedtls-config.h';

/** The built library, the include folder callers compile against, and the cache key (part of later keys). */
export interface MbedtlsLibrary {
  path: string;
  includeDir: string;
  key: string;
}

/**
 * The flags that select our configuration; the agent's own C must be compiled
 * with them too. 64-bit time_t on the 32-bit targets as well: certificates
 * run past 2038 (a 32-bit timegm turned 2099 into -1 on mips), and mbed TLS
 * checks validity with time(); glibc 2.34+ has the 64-bit calls.
 */
export function mbedtlsConfigFlags(mbedtlsDir: string): string[] {
  return [
    `-DMBEDTLS_CONFIG_FILE="${mbedtlsConfigHeader}"`,
    '-D_FILE_OFFSET_BITS=64',
    '-D_TIME_BITS=64',
    '-I', mbedtlsConfigDir,
    '-I', join(mbedtlsDir, 'include'),
  ];
}

/**
 * Compiles every file of mbed TLS's library/ for `target` into a static
 * `libmbedtls.a` (the three upstream libraries in one; the config header
 * leaves unused files empty), cached under
 * `<cacheRoot>/runtime/mbedtls-<triplet>-<key>/`. Deterministic: sources,
 * header folder and work folder are prefix-mapped and `ar` runs with D.
 *
 *   const lib = await buildMbedtls({ target: x86_64, mbedtlsDir, optimize: 'Os', progress });
 *
 * Throws a CommandError with gcc's messages when a file does not compile
 * (e.g. the header's options fail mbed TLS's check_config.h).
 */
export async function buildMbedtls(options: { target: Target; mbedtlsDir: string; optimize: Optimize; progress: Progress }): Promise<MbedtlsLibrary> {
  const { target, mbedtlsDir, progress } = options;
  const cc = targetCompiler(target);
  // -w: mbed TLS's own warnings are not ours to fix.
  const flags = [...runtimeCflags(target, options.optimize), '-w', ...mbedtlsConfigFlags(mbedtlsDir), '-I', join(mbedtlsDir, 'library')];
  const header = sha256(await readFile(join(mbedtlsConfigDir, mbedtlsConfigHeader)));
  const key = cacheKey(
    'libmbedtls',
    await hashMbedtlsSources(mbedtlsDir),
    header,
    target.triplet,
    await compilerVersion(cc),
    ...flags.filter((flag) => !flag.startsWith(mbedtlsDir) && flag !== mbedtlsConfigDir),
  );
  const dir = join(cacheRoot(), 'runtime', `mbedtls-${target.triplet}-${key}`);
  progress.step(`compile mbed TLS (${target.name})`);
  const { hit } = await cachedDir(dir, async (work) => {
    const sources = await mbedtlsLibrarySources(mbedtlsDir);
    const objects = sources.map((name) => join(work, name.replace(/\.c$/, '.o')));
    const mapped = [...flags, prefixMap(mbedtlsDir, 'mbedtls'), prefixMap(mbedtlsConfigDir, 'native/tls')];
    await compileAll(cc, sources.map((name, i) => ({ source: join(mbedtlsDir, 'library', name), output: objects[i]!, flags: mapped })), progress);
    await run(`${target.triplet}-ar`, ['rcsD', join(work, 'libmbedtls.a'), ...objects]);
  });
  progress.done(hit ? 'cached' : 'built');
  return { path: join(dir, 'libmbedtls.a'), includeDir: join(mbedtlsDir, 'include'), key };
}
