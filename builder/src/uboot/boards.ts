/**
 * The U-Boot build and boot facts of each architecture that boots through
 * U-Boot under QEMU: which defconfig of Debian's `u-boot` source, which of our
 * fragments (`config/`), the file QEMU's `-bios` loads, how U-Boot names the
 * disk, and where the boot script puts the kernel, initrd and command line.
 * Pure data; aarch64 and the x86 targets boot through UEFI/GRUB instead.
 *
 * ```ts
 * const board = ubootBoard('armv7');   // qemu_arm_defconfig, virtio disk, bootz
 * ```
 */

/** How U-Boot starts the kernel: `bootz` takes an ARM zImage, `bootm` a legacy uImage. */
export type UbootBootCommand = 'bootz' | 'bootm';

export interface UbootBoard {
  /** The architecture (spec name) this board boots. */
  arch: string;
  /** U-Boot's defconfig, e.g. `qemu_arm_defconfig`. */
  defconfig: string;
  /** Our fragments in `builder/src/uboot/config/`, merged over the defconfig in order. */
  fragments: string[];
  /** Our patches in `builder/src/uboot/patches/` (names without `.patch`), applied to a copy of the source in order. */
  patches?: string[];
  /** The firmware file in the build folder QEMU's `-bios` loads. */
  image: string;
  /** `mkimage -A` name for the script image header: arm, mips or mips64. */
  mkimageArch: 'arm' | 'mips' | 'mips64';
  /** U-Boot's block interface for the disk (`load <interface> 0:1 ...`). */
  diskInterface: 'virtio' | 'ide';
  /**
   * Commands run before the environment is loaded again, to make the disk
   * readable; `env load` follows them (see config/common.config).
   */
  prepareDisk: string[];
  /** Load addresses of the boot script, the kernel command line, the kernel and the initrd. */
  addresses: { script: string; cmdline: string; kernel: string; initrd: string };
  boot: UbootBootCommand;
  /** Kernel arguments the boot script adds after the slot's command line and `imago.slot=`. */
  bootargs?: string;
  /**
   * The device tree `bootz` hands to the kernel: QEMU's own, which it puts at
   * the start of RAM for a `-bios` boot. (`fdtcontroladdr` is not used: `env
   * load` replaces the environment that U-Boot set it in.)
   */
  fdt?: string;
}

// U-Boot 2023.01's board code probes the PIIX4 IDE controller before any
// drive is identified, so `ide reset` alone finds the disk but makes no block
// device for it; a fresh, unprobed IDE device does (config/malta.config). The
// block device it makes has the right size only with patches/ide-size-in-blocks.patch.
const maltaIde = ['unbind ide 0', 'bind pci 0 ide', 'ide reset'];

/** Malta's addresses: 32-bit KSEG0, sign-extended on the 64-bit builds. */
function maltaAddresses(prefix: string): UbootBoard['addresses'] {
  // The kernel runs from 0x80100000; its uImage waits above, with 48 MiB before the initrd.
  return { script: `${prefix}82000000`, cmdline: `${prefix}82100000`, kernel: `${prefix}83000000`, initrd: `${prefix}86000000` };
}

// With MIPS_BOOT_ENV_LEGACY off (config/malta.config) U-Boot hands Linux no
// YAMON environment, so the malta kernel would assume 32 MiB of RAM and drop
// the initrd above it; it reads memsize= from its command line too. 256 MiB is
// what the targets give QEMU's malta, and all it maps below its I/O hole.
const maltaBootargs = 'memsize=256M';

function malta(arch: string, defconfig: string, mkimageArch: 'mips' | 'mips64', image: string, prefix: string): UbootBoard {
  // 64-bit: bootm would copy and enter the kernel at zero-extended 32-bit addresses
  // (patches/mips64-legacy-image-addresses.patch), and hand it argv as 64-bit pointers
  // where the malta kernel reads YAMON's 32-bit entries (patches/malta64-yamon-argv.patch).
  const patches = mkimageArch === 'mips64' ? ['ide-size-in-blocks', 'mips64-legacy-image-addresses', 'malta64-yamon-argv'] : ['ide-size-in-blocks'];
  return { arch, defconfig, fragments: ['common', 'malta'], patches, image, mkimageArch, diskInterface: 'ide', prepareDisk: maltaIde, addresses: maltaAddresses(prefix), boot: 'bootm', bootargs: maltaBootargs };
}

/** Every board, by architecture. */
export const ubootBoards: Readonly<Record<string, UbootBoard>> = Object.freeze({
  armv7: {
    arch: 'armv7',
    defconfig: 'qemu_arm_defconfig',
    fragments: ['common', 'qemu-arm'],
    image: 'u-boot.bin',
    mkimageArch: 'arm',
    diskInterface: 'virtio',
    // board_late_init has probed virtio (PCI and MMIO) by the time preboot runs.
    prepareDisk: [],
    // RAM starts at 0x40000000 (QEMU's device tree there); the default environment's kernel_addr_r and ramdisk_addr_r.
    addresses: { script: '0x40200000', cmdline: '0x40300000', kernel: '0x40400000', initrd: '0x44000000' },
    boot: 'bootz',
    fdt: '0x40000000',
  },
  // QEMU's malta swaps the 32-bit words of the flash for little-endian CPUs: those boot u-boot-swap.bin.
  mips: malta('mips', 'malta_defconfig', 'mips', 'u-boot.bin', '0x'),
  mipsel: malta('mipsel', 'maltael_defconfig', 'mips', 'u-boot-swap.bin', '0x'),
  mips64: malta('mips64', 'malta64_defconfig', 'mips64', 'u-boot.bin', '0xffffffff'),
  mips64el: malta('mips64el', 'malta64el_defconfig', 'mips64', 'u-boot-swap.bin', '0xffffffff'),
});

/** The architectures that boot through U-Boot. */
export const ubootArches = Object.keys(ubootBoards);

/** The board of `arch`; throws naming the architectures that have one. */
export function ubootBoard(arch: string): UbootBoard {
  const board = ubootBoards[arch];
  if (!board) throw new Error(`no U-Boot board for ${JSON.stringify(arch)}: expected one of ${ubootArches.join('|')} (x86_64 and aarch64 boot through UEFI and GRUB)`);
  return board;
}
