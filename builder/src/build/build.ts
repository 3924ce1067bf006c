/**
 * `imago build`: load and validate the spec, check that every requested
 * architecture can take it, then build the architectures in parallel (as many
 * at a time as there are cores, compiles one at a time), and put their folders
 * in place together. Throws SpecError for a bad spec (before anything is
 * downloaded or written, or, for what only the build can see, before anything
 * is published) and BuildError for a failed step.
 */
import { rmdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { getTarget, targetNames } from '../../../targets/index.ts';
import type { Target } from '../../../targets/types.ts';
import { withSkippedSuites } from '../debian/suite-selection.ts';
import { SpecError, step } from '../errors.ts';
import { formats, type OutputFormat } from '../formats/registry.ts';
import { archProblems } from '../spec/arch-rules.ts';
import { loadSpec, type LoadedSpec } from '../spec/load.ts';
import { renderWarning } from '../spec/problem.ts';
import type { Spec } from '../spec/schema.ts';
import { archProgress } from './arch-progress.ts';
import { buildImage, type BuiltImage, type StagedBuild } from './build-image.ts';
import { checkTools } from './check-tools.ts';
import { buildOptions, type BuildOptions } from './options.ts';
import { requiredTools } from './required-tools.ts';
import { skippedSuiteWarning } from './skipped-suites.ts';
import { serialGate } from './serial-gate.ts';
import { discardImageDirs, publishImageDirs } from './write-outputs.ts';

/** Loads a spec and throws SpecError with every problem when it is invalid. */
export async function loadValidSpec(file: string): Promise<LoadedSpec & { spec: Spec }> {
  const loaded = await loadSpec(file);
  if (!loaded.spec || loaded.problems.length > 0) throw new SpecError(loaded.problems);
  return loaded as LoadedSpec & { spec: Spec };
}

/**
 * The targets to build: `--arch` (where `all` means every architecture) over
 * the spec's `arch:` list, over x86_64. Throws naming an unknown architecture.
 */
export function selectTargets(spec: Spec, arch: readonly string[] | undefined): Target[] {
  const names = arch?.includes('all') ? targetNames : (arch ?? spec.arch ?? ['x86_64']);
  return [...new Set(names)].map(getTarget);
}

/**
 * Builds every selected architecture into `<outDir>/<arch>/`; results in
 * target order. All folders appear at the end, together, or none does.
 * Suites in `options.skipSuites` are left out of every apt state the build
 * opens, with a warning.
 */
export async function build(file: string, options: BuildOptions): Promise<BuiltImage[]> {
  return withSkippedSuites(options.skipSuites, () => buildAll(file, options));
}

async function buildAll(file: string, options: BuildOptions): Promise<BuiltImage[]> {
  const loaded = await loadValidSpec(file);
  for (const warning of loaded.warnings) options.progress.warn?.(renderWarning(warning));
  const targets = selectTargets(loaded.spec, options.arch);
  // `--arch` can ask for architectures the spec's own rules did not check.
  const problems = archProblems(loaded.spec, targets);
  if (problems.length > 0) throw new SpecError(problems.map(loaded.locate));
  // A format an architecture cannot have fails before minutes of compiling, with the message its build would give.
  for (const name of options.formats) {
    const format: OutputFormat = formats[name];
    for (const target of targets) await step(`make the ${name} image for ${target.name}`, async () => format.check?.(target));
  }
  // Every program the build will run is looked up now, so a missing one is one message, not an ENOENT after the downloads.
  await checkTools(requiredTools(loaded.spec, targets, options));
  for (const suite of options.skipSuites) options.progress.warn?.(skippedSuiteWarning(suite));
  return publishTogether(options.outDir, () => buildEach(loaded, targets, options));
}

/**
 * Builds every target, one at a time or as a pool, and returns them staged in
 * target order. After a failure no further target starts, the running ones
 * finish, and everything staged is discarded before the first error is thrown.
 */
async function buildEach(loaded: LoadedSpec & { spec: Spec }, targets: readonly Target[], options: BuildOptions): Promise<StagedBuild[]> {
  if (targets.length === 1) return [await buildImage(loaded, targets[0]!, options)];

  const compile = serialGate();
  const results: StagedBuild[] = [];
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < targets.length && failures.length === 0) {
      const index = next++;
      const target = targets[index]!;
      const archOptions = buildOptions({ ...options, progress: archProgress(options.progress, target.name) });
      await buildImage(loaded, target, archOptions, compile).then(
        (result) => void (results[index] = result),
        (error: unknown) => void failures.push(error),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), targets.length) }, worker));
  if (failures.length > 0) {
    await discardImageDirs(results.filter(Boolean).map((result) => result.staged));
    throw failures[0];
  }
  return results;
}

/**
 * Runs the builds and publishes their folders only when all succeeded, so the
 * kernel, initrd, manifest and disk image of every architecture appear
 * together. On failure `outDir` is as it was: an out folder this build made
 * is removed again (only when empty: it may have gained other files meanwhile).
 */
async function publishTogether(outDir: string, buildAll: () => Promise<StagedBuild[]>): Promise<BuiltImage[]> {
  const existed = await stat(outDir).then(
    () => true,
    () => false,
  );
  try {
    const built = await buildAll();
    await step(`write ${outDir}`, () => publishImageDirs(outDir, built.map((result) => result.staged)));
    return built.map((result) => result.image);
  } catch (error) {
    if (!existed) await rmdir(outDir).catch(() => undefined);
    throw error;
  }
}
