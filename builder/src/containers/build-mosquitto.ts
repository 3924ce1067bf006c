/**
 * Compiles Debian 12's mosquitto source for a target with Debian's cross gcc,
 * statically linked against OpenSSL (built first, openssl/build-openssl.ts)
 * and stripped, as source-packages.ts describes; cached under
 * `<cache>/mosquitto/` by target, recipe, source and OpenSSL versions and
 * compiler, so only the first build pays the minute the compile takes.
 *
 *   const built = await buildMosquitto(mips, { progress });
 *   built.outputs.get('src/mosquitto');   // the static big-endian MIPS broker, with TLS
 */
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { fetchDebianSource, type DebianSource } from '../debian/source.ts';
import { cacheKey, cacheRoot } from '../io/cache.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { compilerVersion } from '../io/compiler.ts';
import { run } from '../io/exec.ts';
import { buildOpenssl } from '../openssl/build-openssl.ts';
import type { Progress } from '../progress.ts';
import { builtOutputs, mosquittoMakeSteps, mosquittoMakeVariables, mosquittoRecipeFingerprint, sourcePackageRelease, type OpensslForLink } from './source-packages.ts';

/** Bump when the build below changes in a way that changes the output. */
const recipeVersion = '1';

/** One build of the mosquitto source. */
export interface BuiltMosquitto {
  /** Debian version of the source, e.g. `2.0.11-1.2+deb12u2`. */
  version: string;
  /** Debian version of the OpenSSL source linked in. */
  opensslVersion: string;
  /** The unpacked source (Debian's configuration files are read from it). */
  sourceDir: string;
  /** Stripped static programs by build path (`src/mosquitto`, `client/mosquitto_pub`, ...). */
  outputs: Map<string, Uint8Array>;
  cached: boolean;
}

/**
 * Returns the mosquitto programs for `target`, compiling them when the cache
 * lacks them. Throws naming the make step, with make's last lines as cause.
 */
export async function buildMosquitto(target: Pick<Target, 'name' | 'triplet' | 'cflags'>, options: { progress: Progress }): Promise<BuiltMosquitto> {
  const { progress } = options;
  const source = await fetchDebianSource('mosquitto', { release: sourcePackageRelease, progress });
  const openssl = await buildOpenssl(target, { progress });
  const cc = `${target.triplet}-gcc`;
  const key = cacheKey('mosquitto', recipeVersion, mosquittoRecipeFingerprint(target, openssl), source.version, openssl.version, await compilerVersion(cc));
  const { dir, hit } = await cachedDir(join(cacheRoot(), 'mosquitto', `${target.name}-${key}`), (work) => compileMosquitto(target, source, openssl, work, progress));
  if (hit) {
    progress.step(`mosquitto ${source.version} for ${target.name} from the cache`);
    progress.done();
  }
  const files = new Map<string, Uint8Array>();
  for (const output of builtOutputs('mosquitto')) files.set(output, await readFile(join(dir, 'out', output)));
  return { version: source.version, opensslVersion: openssl.version, sourceDir: source.dir, outputs: files, cached: hit };
}

/**
 * Compiles `source` for `target` in `work` (a copy of the source under
 * `work/build`, removed afterwards) and leaves the stripped programs under
 * `work/out/` at their build paths. No cache: buildMosquitto's cache and the
 * reproducibility test both call it. Throws naming the make step.
 */
export async function compileMosquitto(target: Pick<Target, 'name' | 'triplet' | 'cflags'>, source: DebianSource, openssl: OpensslForLink, work: string, progress: Progress): Promise<void> {
  progress.step(`build mosquitto ${source.version} for ${target.name} (static, with OpenSSL)`);
  const build = join(work, 'build');
  // mosquitto's Makefile builds in its source tree: a copy, so the cached source stays as apt unpacked it.
  await cp(source.dir, build, { recursive: true, verbatimSymlinks: true });
  const env = { ...process.env, LC_ALL: 'C', SOURCE_DATE_EPOCH: '0' };
  let objects = 0;
  for (const step of mosquittoMakeSteps) {
    try {
      await run('make', ['-C', join(build, step.dir), `-j${availableParallelism()}`, ...step.goals, ...mosquittoMakeVariables(target, build, openssl)], {
        env,
        onLine: (line) => {
          if (/-c\s+\S+\.c\b/.test(line)) progress.update(++objects, Math.max(110, objects + 1), `${step.dir}: ${/(\S+)\.c\b/.exec(line)?.[1] ?? ''}`);
        },
      });
    } catch (error) {
      throw new Error(`failed to build mosquitto ${source.version} for ${target.name}: make -C ${step.dir} ${step.goals.join(' ')}`, { cause: error });
    }
  }
  for (const output of builtOutputs('mosquitto')) {
    await mkdir(dirname(join(work, 'out', output)), { recursive: true });
    await run(`${target.triplet}-strip`, ['-o', join(work, 'out', output), join(build, output)]);
  }
  await rm(build, { recursive: true, force: true });
  progress.done();
}
