/**
 * Every host program a build will run, planned from the spec and the targets
 * before anything is downloaded, so a missing cross compiler or mkfs is one
 * message at the start rather than a raw `spawn ... ENOENT` minutes in.
 * Pure: check-tools.ts looks the list up on PATH.
 *
 *   requiredTools(spec, [getTarget('mips64el')], { formats: [], compression: 'gzip' });
 *   // [{ command: 'flock', package: 'util-linux', ... }, { command: 'mips64el-linux-gnuabi64-gcc', ... }, ...]
 *
 * The Debian package names are the ones scripts/install-host-packages installs.
 */
import type { Target } from '../../../targets/types.ts';
import type { Compression } from '../archive/compress.ts';
import type { FormatName } from '../formats/registry.ts';
import { usesContainers } from '../containers/names.ts';
import { buildsKernel } from '../spec/arch-rules.ts';
import { usesTime } from '../spec/fleet-defaults.ts';
import type { Spec } from '../spec/schema.ts';
import { runsNatively, setupCommands } from './package-setup.ts';

/** One program the build runs: its name on PATH, the Debian package that has it, and what it is for. */
export interface RequiredTool {
  command: string;
  package: string;
  why: string;
}

/** What besides the spec and targets decides which programs run. */
export interface ToolPlanOptions {
  formats: readonly FormatName[];
  compression: Compression;
  /** The image is booted right after the build (`imago run SPEC`): QEMU is needed too. */
  boot?: boolean;
}

/** What the raw disk format runs (see formats/raw/): FAT, ext4, GRUB's image and its memdisk tar. */
const rawDiskTools: RequiredTool[] = [
  { command: 'mkfs.vfat', package: 'dosfstools', why: 'the EFI system partition of --format raw' },
  { command: 'mmd', package: 'mtools', why: 'filling the EFI system partition of --format raw' },
  { command: 'mcopy', package: 'mtools', why: 'filling the EFI system partition of --format raw' },
  { command: 'mke2fs', package: 'e2fsprogs', why: 'the data partition of --format raw' },
  { command: 'grub-mkimage', package: 'grub-common', why: 'the GRUB image of --format raw' },
  { command: 'tar', package: 'tar', why: "GRUB's memdisk of --format raw" },
  { command: 'dpkg-deb', package: 'dpkg', why: "unpacking GRUB's EFI package for --format raw" },
];

const compressionTools: Partial<Record<Compression, RequiredTool>> = {
  lz4: { command: 'lz4', package: 'lz4', why: 'compressing the initramfs (--compression lz4, the default)' },
  xz: { command: 'xz', package: 'xz-utils', why: '--compression xz' },
  zstd: { command: 'zstd', package: 'zstd', why: '--compression zstd' },
};

/**
 * Lists every host program the build of `spec` for `targets` runs, each
 * once (the first reason wins), in the order the build needs them.
 */
export function requiredTools(spec: Spec, targets: readonly Target[], options: ToolPlanOptions): RequiredTool[] {
  const tools: RequiredTool[] = [
    // Every build gets QuickJS's source through a private apt state (apt-get source), and compiles the host's qjsc.
    { command: 'flock', package: 'util-linux', why: "serialising apt on imago's private state" },
    { command: 'apt-get', package: 'apt', why: "Debian's packages and QuickJS's source" },
    { command: 'apt-cache', package: 'apt', why: "Debian's packages and QuickJS's source" },
    { command: 'dpkg-source', package: 'dpkg-dev', why: "unpacking QuickJS's source (apt-get source)" },
    { command: 'gcc', package: 'gcc', why: "QuickJS's bytecode compiler for the host" },
  ];
  for (const target of targets) {
    const cross = target.triplet;
    if (target.debianArch) tools.push({ command: 'dpkg-deb', package: 'dpkg', why: `unpacking Debian packages for ${target.name}` });
    // Debian's Go and the Go source containerd compiles against come as .debs (containers/runtime-from-source.ts).
    else if (usesContainers(spec)) tools.push({ command: 'dpkg-deb', package: 'dpkg', why: `unpacking Debian's Go to build containerd for ${target.name}` });
    tools.push(
      { command: `${cross}-gcc`, package: target.compilerPackage, why: `the init for ${target.name}` },
      { command: `${cross}-ar`, package: target.compilerPackage, why: `the init for ${target.name}` },
    );
    // Bytecode has the target's byte order, so big-endian targets run their own qjsc under user emulation.
    if (target.elf.endian === 'MSB') tools.push({ command: target.qemu.userBinary, package: 'qemu-user-static', why: `the init's bytecode for ${target.name}` });
    const kernel = buildsKernel(spec, target);
    const busybox = !target.debianArch;
    // Debian builds BusyBox without ntpd: the time service's own is compiled for every target.
    const ntpd = usesTime(spec);
    if (kernel || busybox || ntpd) {
      const what = [kernel && 'kernel', busybox && 'BusyBox', ntpd && 'ntpd (BusyBox)'].filter(Boolean).join(' and ');
      tools.push(
        { command: 'make', package: 'make', why: `building the ${what} for ${target.name}` },
        { command: `${cross}-strip`, package: target.compilerPackage, why: `building the ${what} for ${target.name}` },
      );
    }
    if (kernel) {
      const why = `building the kernel for ${target.name}`;
      tools.push(
        { command: 'tar', package: 'tar', why: `unpacking linux-source for ${target.name}` },
        { command: 'dpkg-query', package: 'dpkg', why: `finding linux-source for ${target.name}` },
        { command: 'bison', package: 'bison', why },
        { command: 'flex', package: 'flex', why },
        { command: 'bc', package: 'bc', why },
      );
    }
    if (options.boot) tools.push({ command: target.qemu.binary, package: target.qemu.package, why: `booting ${target.name}` });
  }
  if (setupCommands(spec.packages).length > 0) {
    const why = "the packages' setup commands, run in the image's tree";
    tools.push({ command: 'chroot', package: 'coreutils', why }, { command: 'unshare', package: 'util-linux', why });
    for (const target of targets) if (!runsNatively(target)) tools.push({ command: target.qemu.userBinary, package: 'qemu-user-static', why: `${why} for ${target.name}` });
  }
  if (options.formats.includes('raw')) tools.push(...rawDiskTools);
  const compression = compressionTools[options.compression];
  if (compression) tools.push(compression);
  const seen = new Set<string>();
  return tools.filter((tool) => !seen.has(tool.command) && seen.add(tool.command));
}
