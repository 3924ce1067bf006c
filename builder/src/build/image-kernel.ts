/**
 * The kernel of one image: Debian's kernel package with the modules the image
 * needs, or a lean kernel built from linux-source-6.1 (mips and mips64 always,
 * others when the spec says `kernel: {build: ...}`).
 */
import { resolve } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { containerKernelFragments } from '../containers/host-support.ts';
import { step } from '../errors.ts';
import { diskKernelFragments } from '../formats/raw/disk-modules.ts';
import { buildKernel } from '../kernel/build-kernel.ts';
import { loadDebianKernel } from '../kernel/debian-kernel.ts';
import { buildsKernel } from '../spec/arch-rules.ts';
import type { Spec } from '../spec/schema.ts';
import type { Manifest } from './manifest.ts';
import type { BuildOptions } from './options.ts';
import { imageModuleNames, selectImageModules, type ImageModules } from './image-modules.ts';
import { sha256 } from '../io/cache.ts';

/** What an image takes from its kernel. */
export interface ImageKernel {
  image: Uint8Array;
  /** Module files for the initramfs, by when the init loads them (none for a built kernel). */
  modules: ImageModules;
  manifest: Manifest['kernel'];
}

/**
 * Gets the kernel for `target`. `compile` runs the kernel build one at a time
 * across parallel image builds (it uses every core). `specDir` resolves
 * `kernel.build.config` fragments. Throws a BuildError naming the step.
 */
export async function imageKernel(spec: Spec, specDir: string, target: Target, options: BuildOptions, compile: <T>(job: () => Promise<T>) => Promise<T>): Promise<ImageKernel> {
  const { progress } = options;
  if (buildsKernel(spec, target)) {
    const build = spec.kernel?.build;
    const extraFragments = [...diskKernelFragments(spec, target), ...containerKernelFragments(spec), ...(typeof build === 'object' ? build.config ?? [] : []).map((file) => resolve(specDir, file))];
    const kernel = await step(`build the kernel for ${target.name}`, () =>
      compile(() => buildKernel(target, { sourceDateEpoch: options.sourceDateEpoch, extraFragments, progress })),
    );
    return {
      image: kernel.image,
      modules: { boot: [], privateNetwork: [] },
      manifest: { package: kernel.sourcePackage, version: kernel.version, release: kernel.kernelRelease, sha256: sha256(kernel.image), built: true, fragments: kernel.fragments },
    };
  }
  const kernelTarget = spec.kernel?.package ? { ...target, kernel: { ...target.kernel, debianPackage: spec.kernel.package } } : target;
  const kernel = await step(`get the kernel for ${target.name}`, () => loadDebianKernel(kernelTarget, progress));
  const modules = await step('select kernel modules', async () => selectImageModules(kernel, imageModuleNames(spec, target)));
  return {
    image: kernel.image,
    modules,
    manifest: { package: kernel.packageName, version: kernel.version, release: kernel.kernelRelease, sha256: sha256(kernel.image) },
  };
}
