/**
 * The last step of a QuickJS program for the device (the init, the fleet
 * agent): our C and the program's bytecode, linked statically with the QuickJS
 * library and any other archive. A static binary needs nothing from the image.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import type { Progress } from '../progress.ts';
import { cacheKey, cacheRoot, sha256 } from '../io/cache.ts';
import { run } from '../io/exec.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { compileAll, compilerVersion } from '../io/compiler.ts';
import { repoRoot } from './esbuild-init.ts';
import type { RuntimeLibrary } from './runtime-library.ts';
import { type Optimize, prefixMap, runtimeCflags, targetCompiler } from './runtime-flags.ts';

/** Our C sources: main()s and the native modules. */
export const nativeDir = join(repoRoot, 'init', 'native');

/** An archive linked after QuickJS (mbed TLS for the agent), with what it adds to the compile. */
export interface ExtraLibrary {
  /** Its cache key and archive path. */
  key: string;
  path: string;
  /** Compile flags our sources need for it (include dirs, config defines). */
  cflags: string[];
  /** Source folders named in those flags: prefix-mapped and left out of the cache key. */
  dirs: Record<string, string>;
}

export interface LinkProgramOptions {
  /** `init` or `agent`: the executable's name, its bytecode symbol prefix and cache folder. */
  name: string;
  /** C files and headers in init/native. */
  sources: string[];
  headers: string[];
  target: Target;
  quickjsDir: string;
  library: RuntimeLibrary;
  /** C source of the bytecode, from compileBytecode. */
  bytecodeC: string;
  optimize: Optimize;
  extra?: ExtraLibrary;
  progress: Progress;
}

function inside(flag: string, dirs: string[]): boolean {
  return dirs.some((dir) => flag === dir || flag.startsWith(`${dir}/`));
}

/**
 * Compiles `sources` and the bytecode for `target` and links them with the
 * QuickJS library (and `extra`) into one static, stripped executable, cached
 * under `<cacheRoot>/runtime/<name>-<triplet>-<key>/<name>` by a key of every
 * input; byte-identical for identical inputs (sources and work folder are
 * prefix-mapped, no dates, symbols stripped). Returns its bytes; throws a
 * CommandError when gcc fails.
 */
export async function linkProgram(options: LinkProgramOptions): Promise<Uint8Array> {
  const { name, target, quickjsDir, library, extra, progress } = options;
  const cc = targetCompiler(target);
  const cflags = [...runtimeCflags(target, options.optimize), '-Wall', '-Wno-unused-parameter', '-I', quickjsDir, '-I', nativeDir, ...(extra?.cflags ?? [])];
  const ldflags = ['-static', '-Wl,--gc-sections', '-s'];
  const libs = ['-lm', '-lpthread', '-ldl', ...target.libs];
  const sourceHashes = await Promise.all(
    [...options.sources, ...options.headers].map(async (file) => `${file}:${sha256(await readFile(join(nativeDir, file)))}`),
  );
  const outsideKey = [quickjsDir, ...Object.keys(extra?.dirs ?? {})];
  const key = cacheKey(
    name,
    library.key,
    ...(extra ? [extra.key] : []),
    sha256(options.bytecodeC),
    ...sourceHashes,
    await compilerVersion(cc),
    ...cflags.filter((flag) => !inside(flag, outsideKey)),
    ...ldflags,
    ...libs,
  );
  const dir = join(cacheRoot(), 'runtime', `${name}-${target.triplet}-${key}`);
  progress.step(`link ${name} (${target.name})`);
  const { hit } = await cachedDir(dir, async (work) => {
    const bytecodeFile = join(work, `${name}_bytecode.c`);
    await writeFile(bytecodeFile, options.bytecodeC);
    const sources = [...options.sources.map((file) => join(nativeDir, file)), bytecodeFile];
    const objects = sources.map((source) => join(work, source.replace(/^.*\//, '').replace(/\.c$/, '.o')));
    const maps = Object.entries(extra?.dirs ?? {}).map(([path, as]) => prefixMap(path, as));
    const mapped = [...cflags, prefixMap(nativeDir, 'native'), prefixMap(quickjsDir, 'quickjs'), ...maps, prefixMap(work, 'build')];
    await compileAll(cc, sources.map((source, i) => ({ source, output: objects[i]!, flags: mapped })), progress);
    // Our objects first, then the libraries they use.
    await run(cc, [...ldflags, '-o', join(work, name), ...objects, library.path, ...(extra ? [extra.path] : []), ...libs]);
  });
  progress.done(hit ? 'cached' : 'linked');
  return new Uint8Array(await readFile(join(dir, name)));
}
