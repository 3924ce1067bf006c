/**
 * Gets a target's Debian kernel: the kernel image and every module with its
 * dependencies, read from the linux-image package without installing it.
 *
 *   const kernel = await loadDebianKernel(x86_64, progress);
 *   kernel.kernelRelease;                               // '6.1.0-56-amd64'
 *   selectModules(kernel, x86_64.kernel.bootModules);   // files for the initramfs, load order
 */
import type { Target } from '../../../targets/types.ts';
import { readControl, unpackDeb } from '../debian/deb.ts';
import { parseDependsNames } from '../debian/control-fields.ts';
import { downloadPackages } from '../debian/download.ts';
import { resolvePackages, showPackage } from '../debian/resolve.ts';
import type { Progress } from '../progress.ts';
import { Tree } from '../tree/tree.ts';
import { moduleClosure, normaliseModuleName } from './closure.ts';
import { readModinfo } from './modinfo.ts';

/** One module file of the kernel package. */
export interface KernelModule {
  /** Normalised module name (`_`, never `-`). */
  name: string;
  /** Path relative to `lib/modules/<release>/`, e.g. `kernel/drivers/net/virtio_net.ko`. */
  path: string;
  data: Uint8Array;
  depends: string[];
  softdepPre: string[];
}

/** A Debian kernel package read into memory: image, release and every module. */
export interface DebianKernel {
  /** The concrete package, e.g. `linux-image-6.1.0-56-amd64`. */
  packageName: string;
  version: string;
  /** `uname -r` of the kernel, e.g. `6.1.0-56-amd64`. */
  kernelRelease: string;
  /** The bootable image, `/boot/vmlinuz-<release>` (bzImage, zImage, Image or ELF by arch). */
  image: Uint8Array;
  /** Every `.ko` of the package by normalised name. */
  modules: Map<string, KernelModule>;
}

/** A module file to put into an image, in load order. */
export interface SelectedModule {
  name: string;
  /** Image path: `lib/modules/<release>/<path in the package>`. */
  path: string;
  data: Uint8Array;
}

/**
 * Resolves the target's kernel metapackage (e.g. linux-image-amd64) to the concrete
 * kernel package it depends on, downloads just that package (not its install-time
 * tools such as kmod or initramfs-tools) and reads the image and modules from it.
 * Throws when the target has no Debian kernel or the package is not as expected.
 */
export async function loadDebianKernel(target: Target, progress: Progress): Promise<DebianKernel> {
  const arch = target.debianArch;
  const meta = target.kernel.debianPackage;
  if (!arch || !meta) throw new Error(`target ${target.name} has no Debian kernel package: its kernel must be built from source`);
  const closure = await resolvePackages([meta], arch, progress);
  const metaEntry = closure.find((pkg) => pkg.name === meta);
  if (!metaEntry) throw new Error(`failed to resolve kernel package ${meta} for ${arch}: apt did not select it`);
  const depends = parseDependsNames((await showPackage(meta, metaEntry.version, arch, progress)).get('Depends') ?? '');
  const concrete = closure.find((pkg) => pkg.name !== meta && pkg.name.startsWith('linux-image-') && depends.includes(pkg.name));
  if (!concrete) throw new Error(`failed to resolve kernel package ${meta} for ${arch}: it depends on no linux-image-* package (${depends.join(', ')})`);
  const [deb] = await downloadPackages([concrete], arch, progress);
  progress.step(`read kernel ${concrete.name} ${concrete.version}`);
  const tree = new Tree();
  await unpackDeb(deb!.path, tree);
  const control = await readControl(deb!.path);
  const kernel = readKernelTree(tree, control.name, control.version);
  progress.done(`${kernel.kernelRelease}, ${kernel.modules.size} modules`);
  return kernel;
}

/**
 * Reads the image and module index from an unpacked kernel package. Pure. Looks for
 * modules in `lib/modules/<release>/` and, for merged-/usr packages, `usr/lib/modules/`.
 */
export function readKernelTree(tree: Tree, packageName: string, version: string): DebianKernel {
  const images = tree.entries().filter((entry) => /^boot\/vmlinu[xz]-/.test(entry.path) && entry.kind === 'file');
  const image = images.find((entry) => entry.path.startsWith('boot/vmlinuz-')) ?? images[0];
  if (!image || image.kind !== 'file') throw new Error(`kernel package ${packageName} ${version} has no /boot/vmlinuz-* image`);
  const kernelRelease = image.path.replace(/^boot\/vmlinu[xz]-/, '');
  const modules = new Map<string, KernelModule>();
  const aliases = new Map<string, string[]>();
  for (const prefix of [`lib/modules/${kernelRelease}/`, `usr/lib/modules/${kernelRelease}/`]) {
    for (const entry of tree.entries()) {
      if (!entry.path.startsWith(prefix) || !entry.path.endsWith('.ko')) continue;
      const file = tree.resolveHardlink(entry);
      if (!file) continue;
      const path = entry.path.slice(prefix.length);
      let info;
      try {
        info = readModinfo(file.data);
      } catch (error) {
        throw new Error(`failed to read module ${path} of ${packageName} ${version}`, { cause: error });
      }
      const name = normaliseModuleName(info.name ?? path.replace(/^.*\//, '').replace(/\.ko$/, ''));
      modules.set(name, { name, path, data: file.data, depends: info.depends, softdepPre: info.softdepPre });
      for (const [key, value] of info.fields) if (key === 'alias' && !/[*?[]/.test(value)) (aliases.get(value) ?? aliases.set(value, []).get(value)!).push(name);
    }
  }
  resolveSoftdepAliases(modules, aliases);
  if (modules.size === 0) throw new Error(`kernel package ${packageName} ${version} has no uncompressed .ko modules under lib/modules/${kernelRelease}/`);
  return { packageName, version, kernelRelease, image: image.data, modules };
}

/**
 * Returns the modules needed to load `names` (dependencies first, each once) with
 * their image paths. Throws naming a module the kernel does not have.
 */
export function selectModules(kernel: DebianKernel, names: string[]): SelectedModule[] {
  let order: string[];
  try {
    order = moduleClosure(kernel.modules, names);
  } catch (error) {
    throw new Error(`failed to select kernel modules ${names.join(', ')} from ${kernel.packageName} ${kernel.version}`, { cause: error });
  }
  return order.map((name) => {
    const module = kernel.modules.get(name)!;
    return { name, path: `lib/modules/${kernel.kernelRelease}/${module.path}`, data: module.data };
  });
}

/**
 * A softdep may name an alias rather than a module (libcrc32c's `pre: crc32c`,
 * which crc32c_generic provides): such names become the module that has the
 * alias, so the closure loads it first. When several do, the portable C one
 * (`*_generic`) wins: the others need CPU features a board or QEMU may lack
 * (crc32-arm-ce fails with ENODEV without ARMv8 crypto); then the first by name.
 */
export function resolveSoftdepAliases(modules: Map<string, KernelModule>, aliases: ReadonlyMap<string, string[]>): void {
  for (const module of modules.values()) {
    module.softdepPre = module.softdepPre.map((name) => (modules.has(normaliseModuleName(name)) ? name : (preferredProvider(aliases.get(name) ?? []) ?? name)));
  }
}

function preferredProvider(names: readonly string[]): string | undefined {
  const sorted = [...names].sort();
  return sorted.find((name) => name.endsWith('_generic')) ?? sorted[0];
}
