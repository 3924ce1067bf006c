/**
 * Prints the Debian packages the build host needs for some architectures, one
 * per line, from the targets table (the single place that knows an
 * architecture). Used by scripts/install-host-packages.
 *
 *   node --import tsx scripts/host-packages.ts x86_64 mips    # or: all
 */
import { diskBootloader } from '../builder/src/formats/raw/raw-boot.ts';
import { getTarget, targetNames } from '../targets/index.ts';
import type { Target } from '../targets/types.ts';

/** What building a kernel from Debian's linux-source-6.1 needs besides the cross compiler. */
export const kernelBuildPackages = ['linux-source-6.1', 'bison', 'flex', 'bc', 'libssl-dev', 'libelf-dev', 'cpio', 'kmod', 'python3'];

/** What building U-Boot from Debian's u-boot source needs besides the cross compiler (libssl-dev: its FIT host tools). */
export const ubootBuildPackages = ['bison', 'flex', 'bc', 'libssl-dev', 'python3'];

/**
 * The host packages for building and booting `target`: its cross compiler and
 * C library, its QEMU (and QEMU user emulation for big-endian ones), and the kernel build tools when its kernel is built
 * from source by default (no Debian kernel package), and U-Boot's when its raw disk boots through U-Boot.
 */
export function hostPackages(target: Target): string[] {
  const packages = [target.compilerPackage, target.libcPackage, target.qemu.package];
  // Big-endian targets compile the init's bytecode with their own qjsc under QEMU user emulation.
  if (target.elf.endian === 'MSB') packages.push('qemu-user-static');
  if (!target.kernel.debianPackage) packages.push(...kernelBuildPackages);
  if (diskBootloader(target) === 'uboot') packages.push(...ubootBuildPackages);
  return packages;
}

function main(args: string[]): void {
  const arches = args.filter((arg) => !arg.startsWith('--'));
  const names = arches.length === 0 || arches.includes('all') ? targetNames : arches;
  const packages = new Set(names.flatMap((name) => hostPackages(getTarget(name))));
  if (args.includes('--kernel')) for (const pkg of kernelBuildPackages) packages.add(pkg);
  process.stdout.write([...packages].filter((p) => p).join('\n') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
