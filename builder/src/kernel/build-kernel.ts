/**
 * Builds a lean kernel for a target from Debian's linux-source-6.1: `make
 * tinyconfig`, our fragments merged on top, `make olddefconfig`, a check that
 * every requested option survived, then the image. Everything is built in
 * (no modules). The result is cached by the source version, the fragments,
 * the compiler and the timestamp, so a second build takes seconds.
 *
 *   const kernel = await buildKernel(mips, { sourceDateEpoch: 0, progress });
 *   kernel.image;     // the stripped ELF vmlinux QEMU's malta loads
 *   kernel.cached;    // true when it came from the cache
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { cacheKey, cacheRoot } from '../io/cache.ts';
import { run } from '../io/exec.ts';
import type { Progress } from '../progress.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { compilerVersion } from '../io/compiler.ts';
import { parseConfig, type KernelConfig } from './config-fragment.ts';
import { configureKernel, kbuild } from './configure-kernel.ts';
import { kbuildProgress } from './kbuild-progress.ts';
import { readKernelFragments, type KernelFragment } from './kernel-fragments.ts';
import { kernelSource, type KernelSource } from './kernel-source.ts';

/** Bump when the recipe below changes in a way that changes the output. */
const recipeVersion = '1';

export interface BuildKernelOptions {
  /** Seconds since 1970 recorded as the build time (`uname -v`), for reproducible kernels. */
  sourceDateEpoch: number;
  /** Extra fragment files (absolute paths) merged after the repository's. */
  extraFragments?: readonly string[];
  progress: Progress;
}

/** A kernel built from source. */
export interface BuiltKernel {
  /** e.g. `linux-source-6.1`. */
  sourcePackage: string;
  /** The source package's version, e.g. `6.1.192-2`. */
  version: string;
  /** `uname -r`, e.g. `6.1.192`. */
  kernelRelease: string;
  /** The bootable image (see `Target.kernel.build.format`). */
  image: Uint8Array;
  /** The final `.config`. */
  config: string;
  /** The fragments merged, in order (for the manifest). */
  fragments: string[];
  /** Whether the cache had it. */
  cached: boolean;
}

/**
 * Returns the target's kernel, building it when the cache has no entry for
 * these inputs (10-15 minutes on two cores). Throws naming the options
 * `olddefconfig` dropped, or with make's last lines when the build fails.
 */
export async function buildKernel(target: Target, options: BuildKernelOptions): Promise<BuiltKernel> {
  const { progress } = options;
  const recipe = target.kernel.build;
  const fragments = await readKernelFragments(target, options.extraFragments);
  // Parse now: a malformed fragment fails before the source is unpacked.
  const requested = mergeFragments(fragments);
  const source = await kernelSource(progress);
  const cc = `${target.triplet}-gcc`;
  const toolchain = await compilerVersion(cc).catch((error: unknown) => {
    throw new Error(`cross compiler ${cc} for ${target.name} is missing: install ${target.compilerPackage} (scripts/install-host-packages ${target.name})`, { cause: error });
  });
  const key = cacheKey('kernel', recipeVersion, source.version, JSON.stringify(recipe), toolchain, String(options.sourceDateEpoch), ...fragments.flatMap((f) => [f.file, f.text]));
  const { dir, hit } = await cachedDir(join(cacheRoot(), 'kernel', `${target.name}-${key}`), (work) =>
    compileKernel(target, source, requested, work, options),
  );
  if (hit) {
    progress.step(`kernel for ${target.name}: ${source.package} ${source.version} from the cache`);
    progress.done();
  }
  return {
    sourcePackage: source.package,
    version: source.version,
    kernelRelease: (await readFile(join(dir, 'release'), 'utf8')).trim(),
    image: await readFile(join(dir, 'image')),
    config: await readFile(join(dir, 'config'), 'utf8'),
    fragments: fragments.map((f) => f.file),
    cached: hit,
  };
}

/** All fragments' options, later fragments overriding earlier ones. */
export function mergeFragments(fragments: KernelFragment[]): KernelConfig {
  const merged: KernelConfig = new Map();
  for (const { file, text } of fragments) for (const [name, value] of parseConfig(text, file)) merged.set(name, value);
  return merged;
}

/** Configures and builds into `work/build`, then keeps only image, config and release in `work`. */
async function compileKernel(target: Target, source: KernelSource, requested: KernelConfig, work: string, options: BuildKernelOptions): Promise<void> {
  const { progress } = options;
  const recipe = target.kernel.build;
  const build = join(work, 'build');
  const env = kbuildEnv(options.sourceDateEpoch);

  progress.step(`configure kernel for ${target.name} (tinyconfig + ${recipe.fragment})`);
  const config = await configureKernel(target, source, requested, build, env);
  progress.done();

  progress.step(`build kernel ${source.package} ${source.version} for ${target.name} (${recipe.makeTarget}; about 10-15 min on 2 cores)`);
  const counter = kbuildProgress(progress);
  await kbuild(target, source, build, [`-j${availableParallelism()}`, recipe.makeTarget], env, counter.onLine);
  const release = (await readFile(join(build, 'include/config/kernel.release'), 'utf8')).trim();
  if (recipe.format === 'elf') {
    // malta loads the ELF itself; symbols are only weight (8.1 MB → 6.9 MB).
    await run(`${target.triplet}-strip`, ['-o', join(work, 'image'), join(build, recipe.image)]);
  } else {
    await writeFile(join(work, 'image'), await readFile(join(build, recipe.image)));
  }
  await writeFile(join(work, 'config'), config);
  await writeFile(join(work, 'release'), `${release}\n`);
  await rm(build, { recursive: true, force: true });
  progress.done(`${release}, ${counter.count()} objects`);
}

/**
 * The environment for kbuild: fixed build user, host and time, so the same
 * inputs give the same kernel (`uname -v` carries them otherwise).
 */
export function kbuildEnv(sourceDateEpoch: number, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    KBUILD_BUILD_TIMESTAMP: new Date(sourceDateEpoch * 1000).toUTCString(),
    KBUILD_BUILD_USER: 'imago',
    KBUILD_BUILD_HOST: 'imago',
    KBUILD_BUILD_VERSION: '1',
    SOURCE_DATE_EPOCH: String(sourceDateEpoch),
    // Make's messages in English whatever the host's locale, for the progress parser.
    LC_ALL: 'C',
  };
}
