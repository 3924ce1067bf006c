/**
 * `imago build`: load and validate the spec, check that every requested
 * architecture can take it, then build the architectures in parallel (as many
 * at a time as there are cores, compiles one at a time). Throws SpecError for
 * a bad spec (before anything is downloaded or written) and BuildError for a
 * failed step.
 */
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
import { buildImage, type BuiltImage } from './build-image.ts';
import { checkTools } from './check-tools.ts';
import { buildOptions, type BuildOptions } from './options.ts';
import { requiredTools } from './required-tools.ts';
import { skippedSuiteWarning } from './skipped-suites.ts';
import { serialGate } from './serial-gate.ts';

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
 * target order. Suites in `options.skipSuites` are left out of every apt
 * state the build opens, with a warning.
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
  if (targets.length === 1) return [await buildImage(loaded, targets[0]!, options)];

  const compile = serialGate();
  const results: BuiltImage[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index]!;
      const archOptions = buildOptions({ ...options, progress: archProgress(options.progress, target.name) });
      results[index] = await buildImage(loaded, target, archOptions, compile);
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), targets.length) }, worker));
  return results;
}
