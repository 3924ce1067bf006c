/**
 * Builds one image (one architecture) from a loaded spec: gather inputs (kernel
 * and modules, the userland, the init binary, source files), plan the tree,
 * write the initramfs, and stage `<outDir>/<arch>/` with every format's files
 * for build.ts to publish.
 */
import { basename, join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { compress } from '../archive/compress.ts';
import { writeCpio } from '../archive/cpio-newc.ts';
import { imageContainers } from '../containers/image-containers.ts';
import { findMissingPackages, missingPackageMessage } from '../debian/resolve.ts';
import { missingPackageProblems, specPackageNames } from './package-problems.ts';
import { BuildError, SpecError, step } from '../errors.ts';
import { runPackageSetup, setupCommands } from './package-setup.ts';
import { sha256 } from '../io/cache.ts';
import { readFileSources } from '../io/file-sources.ts';
import { planTree } from '../plan/plan-tree.ts';
import { buildInit } from '../init-binary/build-init.ts';
import { buildAgent } from '../agent-binary/index.ts';
import { fetchQuickjsSource } from '../init-binary/quickjs-source.ts';
import type { LoadedSpec } from '../spec/load.ts';
import type { Spec } from '../spec/schema.ts';
import { commandPathProblems } from './command-paths.ts';
import { statePathProblems } from './state-paths.ts';
import { imageKernel } from './image-kernel.ts';
import { imagePackages, imageUserland } from './image-userland.ts';
import { digest, renderManifest, type Manifest } from './manifest.ts';
import type { BuildOptions } from './options.ts';
import { discardImageDirs, stageImageDir, type StagedImageDir } from './write-outputs.ts';
import { formats } from '../formats/registry.ts';
import { updateInputs } from './update-inputs.ts';
import { fleetInputs, timeDaemonInput } from './fleet-inputs.ts';
import { imageCompatible } from '../spec/update-defaults.ts';

export { imagePackages } from './image-userland.ts';

export interface BuiltImage {
  dir: string;
  manifest: Manifest;
}

/** An image whose files are complete but not yet in place: build.ts publishes every architecture's together. */
export interface StagedBuild {
  /** The image as it will be once published: `dir` is the final `<outDir>/<arch>`. */
  image: BuiltImage;
  staged: StagedImageDir;
}

/** Runs a CPU-heavy job (a compile) when it is its turn; see build.ts. */
export type CompileGate = <T>(job: () => Promise<T>) => Promise<T>;

/** Runs every job at once: for a single-architecture build. */
export const ungated: CompileGate = (job) => job();


/** The kernel command line: the console first, then the spec's additions. */
export function kernelCmdline(spec: Spec, target: Target): string {
  return [`console=${target.qemu.console}`, 'panic=5', spec.kernel?.cmdline].filter(Boolean).join(' ');
}

/**
 * Builds the image for `target`. Compiles (kernel, BusyBox, init) go through
 * `compile`, so parallel builds of several architectures share the cores
 * instead of fighting over them. Throws SpecError or BuildError, and then has
 * left nothing behind.
 */
export async function buildImage(loaded: LoadedSpec & { spec: Spec }, target: Target, options: BuildOptions, compile: CompileGate = ungated): Promise<StagedBuild> {
  const { spec } = loaded;
  const { progress } = options;

  // Fail on a package missing for this architecture before anything is downloaded or compiled.
  if (target.debianArch) {
    const arch = target.debianArch;
    const names = [...new Set([...imagePackages(spec), ...specPackageNames(spec).map(({ name }) => name)])];
    const missing = await step(`find packages for ${target.name}`, () => findMissingPackages(names, arch, progress));
    // A name the spec wrote is the user's mistake, reported at its place; one the builder adds (BusyBox, containerd) is the host's.
    const problems = missingPackageProblems(spec, missing, arch);
    if (problems.length > 0) throw new SpecError(problems.map(loaded.locate));
    if (missing.length > 0) throw new BuildError(`failed to find packages for ${target.name}: ${missingPackageMessage(missing, arch)}`);
  }

  // Key files are read before the long steps (loadSpec checked them already), so a file that vanished since fails in seconds.
  const update = await updateInputs(loaded, target);
  const kernel = await imageKernel(spec, loaded.dir, target, options, compile);
  const userland = await imageUserland(spec, target, options, compile);

  const quickjs = await step('get the QuickJS source', () => fetchQuickjsSource(progress));
  const init = await step(`build the init for ${target.name}`, () =>
    compile(() => buildInit({ target, quickjsDir: quickjs.dir, quickjsVersion: quickjs.version, progress })),
  );

  const timeDaemon = await timeDaemonInput(spec, target, progress, compile);
  // The agent runs the init's QuickJS: the same source tree, so both share one cached library.
  const fleet = await fleetInputs(loaded, target, progress, async (agentTarget, agentProgress) => (await buildAgent({ target: agentTarget, quickjsDir: quickjs.dir, progress: agentProgress })).binary, compile);

  const containers = await imageContainers(loaded, target, options.sourceDateEpoch, progress);

  const sources = await readFileSources(loaded.dir, spec.files);

  progress.step(`write initramfs (${target.name})`);
  const planned = planTree(spec, { packageEntries: userland.tree.entries(), init: init.binary, modules: kernel.modules.boot, privateNetworkModules: kernel.modules.privateNetwork, sources, containers: containers.stored, preparedContainers: containers.prepared, runcBinary: userland.ociRuntime, update, timeDaemon: timeDaemon?.binary, fleet, master: userland.master, packageNames: userland.packageNames });
  const { tree } = planned;
  // Only the finished tree can say whether /sbin/getty exists: otherwise a spec like that fails at boot, not here.
  const problems = [...planned.problems, ...commandPathProblems(spec, tree), ...statePathProblems(spec, tree)];
  if (problems.length > 0) throw new SpecError(problems.map(loaded.locate));
  for (const note of planned.notes) progress.warn?.(note);
  if (setupCommands(spec.packages).length > 0) await step(`run the packages' setup commands (${target.name})`, () => runPackageSetup(tree, spec.packages, target));
  const initrd = await compress(writeCpio(tree, { mtime: options.sourceDateEpoch }), options.compression);
  progress.done(`${tree.size} entries, ${(initrd.length / 1e6).toFixed(2)} MB ${options.compression}`);

  const cmdline = `${kernelCmdline(spec, target)}\n`;
  const manifest: Manifest = {
    manifestVersion: 1,
    name: spec.name,
    version: spec.image_version ?? '0',
    arch: target.name,
    ...(spec.update ? { compatible: imageCompatible(spec, target.name) } : {}),
    sourceDateEpoch: options.sourceDateEpoch,
    spec: { file: basename(loaded.file), sha256: sha256(loaded.text) },
    kernel: kernel.manifest,
    ...(userland.busybox ? { busybox: userland.busybox } : {}),
    ...(userland.containerRuntime ? { containerRuntime: userland.containerRuntime } : {}),
    ...(timeDaemon ? { timeDaemon: timeDaemon.manifest } : {}),
    ...(fleet ? { fleetAgent: { sha256: sha256(fleet.agent) } } : {}),
    modules: [...kernel.modules.boot, ...kernel.modules.privateNetwork].map((module) => module.name),
    quickjs: { sourcePackage: 'quickjs', version: quickjs.version },
    init: digest(init.binary),
    packages: userland.packages,
    ...(options.skipSuites.length > 0 ? { skippedSuites: [...options.skipSuites] } : {}),
    ...(containers.manifest.length > 0 ? { containers: containers.manifest } : {}),
    ...(spec.qemu?.memory ? { qemu: { memoryMiB: Math.ceil(spec.qemu.memory / 2 ** 20) } } : {}),
    compression: options.compression,
    outputs: { kernel: digest(kernel.image), 'initrd.img': digest(initrd), cmdline: digest(cmdline) },
  };
  const staged = await step(`write ${options.outDir}/${target.name}`, () =>
    stageImageDir(options.outDir, target.name, { kernel: kernel.image, 'initrd.img': initrd, cmdline, 'manifest.json': renderManifest(manifest) }),
  );
  try {
    for (const name of options.formats) {
      const format = formats[name];
      const request = { imageDir: staged.dir, spec, target, epoch: options.sourceDateEpoch, progress, locate: loaded.locate };
      if ('build' in format) await step(`make the ${name} image for ${target.name}`, () => format.build(request));
    }
  } catch (error) {
    await discardImageDirs([staged]);
    throw error;
  }
  return { image: { dir: join(options.outDir, target.name), manifest }, staged };
}
