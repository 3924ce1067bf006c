/**
 * `imago build`: load and validate the spec, then build each architecture.
 * Throws SpecError for a bad spec (before anything is written) and BuildError
 * for a failed step.
 */
import { getTarget } from '../../../targets/index.ts';
import { SpecError } from '../errors.ts';
import { loadSpec, type LoadedSpec } from '../spec/load.ts';
import type { Spec } from '../spec/schema.ts';
import { buildImage, type BuiltImage } from './build-image.ts';
import type { BuildOptions } from './options.ts';

/** Loads a spec and throws SpecError with every problem when it is invalid. */
export async function loadValidSpec(file: string): Promise<LoadedSpec & { spec: Spec }> {
  const loaded = await loadSpec(file);
  if (!loaded.spec || loaded.problems.length > 0) throw new SpecError(loaded.problems);
  return loaded as LoadedSpec & { spec: Spec };
}

export async function build(file: string, options: BuildOptions): Promise<BuiltImage[]> {
  const loaded = await loadValidSpec(file);
  const arches = options.arch ?? loaded.spec.arch ?? ['x86_64'];
  const targets = arches.map(getTarget);
  const built: BuiltImage[] = [];
  for (const target of targets) built.push(await buildImage(loaded, target, options));
  return built;
}
