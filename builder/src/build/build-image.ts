/**
 * Builds one image (one architecture) from a loaded spec: gather inputs (Debian
 * packages, kernel and modules, the init binary, source files), plan the tree,
 * write the initramfs, and publish `<outDir>/<arch>/` atomically.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { compress } from '../archive/compress.ts';
import { writeCpio } from '../archive/cpio-newc.ts';
import { unpackDeb } from '../debian/deb.ts';
import { fetchPackages } from '../debian/download.ts';
import { checkPackagesExist } from '../debian/resolve.ts';
import { fetchDebianSource } from '../debian/source.ts';
import { SpecError, step } from '../errors.ts';
import { sha256 } from '../io/cache.ts';
import { loadDebianKernel, selectModules } from '../kernel/debian-kernel.ts';
import { planTree } from '../plan/plan-tree.ts';
import { buildInit } from '../runtime/build-init.ts';
import type { LoadedSpec } from '../spec/load.ts';
import type { Spec } from '../spec/schema.ts';
import { Tree } from '../tree/tree.ts';
import { digest, renderManifest, type Manifest } from './manifest.ts';
import type { BuildOptions } from './options.ts';
import { writeImageDir } from './write-outputs.ts';

/** Where QuickJS's source comes from: Debian 13 has the 2025 release. */
const quickjsRelease = 'trixie';

export interface BuiltImage {
  dir: string;
  manifest: Manifest;
}

/** Every Debian package an image needs: BusyBox plus the spec's, each once. */
export function imagePackages(spec: Spec): string[] {
  return [...new Set(['busybox-static', ...(spec.packages ?? [])])];
}

/** The kernel command line: the console first, then the spec's additions. */
export function kernelCmdline(spec: Spec, target: Target): string {
  return [`console=${target.qemu.console}`, 'panic=5', spec.kernel?.cmdline].filter(Boolean).join(' ');
}

export async function buildImage(loaded: LoadedSpec & { spec: Spec }, target: Target, options: BuildOptions): Promise<BuiltImage> {
  const { spec } = loaded;
  const { progress } = options;
  const arch = target.debianArch;
  if (!arch) throw new SpecError([loaded.locate({ path: ['arch'], message: `${target.name} has no Debian packages; building its userland from source is not supported yet` })]);
  const packages = imagePackages(spec);

  // Fail on a package missing for this architecture before anything is downloaded or compiled.
  await step(`find packages for ${target.name}`, () => checkPackagesExist(packages, arch, progress));

  const kernelTarget = spec.kernel?.package ? { ...target, kernel: { ...target.kernel, debianPackage: spec.kernel.package } } : target;
  const kernel = await step(`get the kernel for ${target.name}`, () => loadDebianKernel(kernelTarget, progress));
  const modules = await step('select kernel modules', async () => selectModules(kernel, [...target.kernel.bootModules, ...(spec.kernel?.modules ?? [])]));

  const debs = await step(`download packages for ${target.name}`, () => fetchPackages(packages, arch, progress));
  const packageTree = new Tree();
  await step('unpack packages', async () => {
    progress.step(`unpack ${debs.length} packages`);
    for (const deb of debs) await unpackDeb(deb.path, packageTree);
    progress.done();
  });

  const quickjs = await step('get the QuickJS source', () => fetchDebianSource('quickjs', { release: quickjsRelease, progress }));
  const init = await step(`build the init for ${target.name}`, () => buildInit({ target, quickjsDir: quickjs.dir, quickjsVersion: quickjs.version, progress }));

  const sources = new Map<number, Uint8Array>();
  for (const [index, file] of (spec.files ?? []).entries()) {
    if (file.source) sources.set(index, await readFile(resolve(loaded.dir, file.source)));
  }

  progress.step('write initramfs');
  const { tree, problems } = planTree(spec, { packageEntries: packageTree.entries(), init: init.binary, modules, sources });
  if (problems.length > 0) throw new SpecError(problems.map(loaded.locate));
  const initrd = await compress(writeCpio(tree, { mtime: options.sourceDateEpoch }), options.compression);
  progress.done(`${tree.size} entries, ${(initrd.length / 1e6).toFixed(2)} MB ${options.compression}`);

  const cmdline = `${kernelCmdline(spec, target)}\n`;
  const manifest: Manifest = {
    manifestVersion: 1,
    name: spec.name,
    arch: target.name,
    sourceDateEpoch: options.sourceDateEpoch,
    spec: { file: basename(loaded.file), sha256: sha256(loaded.text) },
    kernel: { package: kernel.packageName, version: kernel.version, release: kernel.kernelRelease, sha256: sha256(kernel.image) },
    modules: modules.map((module) => module.name),
    quickjs: { sourcePackage: 'quickjs', version: quickjs.version },
    init: digest(init.binary),
    packages: debs.map(({ name, version, architecture, sha256: hash }) => ({ name, version, architecture, sha256: hash })),
    compression: options.compression,
    outputs: { kernel: digest(kernel.image), 'initrd.img': digest(initrd), cmdline: digest(cmdline) },
  };
  const dir = await step(`write ${options.outDir}/${target.name}`, () =>
    writeImageDir(options.outDir, target.name, { kernel: kernel.image, 'initrd.img': initrd, cmdline, 'manifest.json': renderManifest(manifest) }),
  );
  return { dir, manifest };
}
