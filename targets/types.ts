/**
 * What imago must know about one CPU architecture: how to get a kernel and
 * userland for it, how to compile for it, and how QEMU boots it. Every
 * architecture-specific fact lives in one file of this folder.
 */
export interface Target {
  /** The name used in specs and on the command line, e.g. `x86_64`. */
  name: string;
  /**
   * Debian's architecture name, or undefined where Debian 12 has no binary
   * packages (mips, mips64): then the kernel and BusyBox are built from source
   * and a spec may list no Debian packages.
   */
  debianArch?: string;
  /** GNU triplet of the cross toolchain, e.g. `x86_64-linux-gnu`. */
  triplet: string;
  /** Debian package that provides `<triplet>-gcc`. */
  compilerPackage: string;
  /** Debian package with the target's C library headers and static libraries for that compiler. */
  libcPackage: string;
  /** Extra flags for compiling the init runtime (and BusyBox where it is built). */
  cflags: string[];
  /** Extra libraries for linking the init runtime (e.g. libatomic on 32-bit MIPS). */
  libs: string[];
  /** ELF facts `file` must report for a correct binary of this target, used by tests. */
  elf: { class: 32 | 64; endian: 'LSB' | 'MSB'; machine: string };
  kernel: {
    /**
     * Debian package (metapackage) with the default kernel, when Debian has one.
     * Without it the kernel is always built from `kernel-config/`.
     */
    debianPackage?: string;
    /** Modules every image loads with the Debian kernel so the QEMU devices below work, in load order. */
    bootModules: string[];
    /**
     * Storage drivers an image with A/B updates loads so the init finds its
     * disk (QEMU's virtio disk and common controllers); a board's own go in
     * the spec's kernel.modules. Only targets with a raw disk format have them.
     */
    diskModules?: string[];
    /**
     * The most RAM (MiB) the Debian kernel can use on this QEMU board, when it
     * is less than QEMU offers: a spec asking for more must build its kernel.
     */
    debianMaxMemoryMiB?: number;
    /** How to build this target's kernel from Debian's linux-source-6.1 (see builder/src/kernel/). */
    build: KernelBuild;
  };
  qemu: {
    /** Debian package that provides the QEMU binary. */
    package: string;
    binary: string;
    /** QEMU user-mode emulator for single static programs (package qemu-user-static), e.g. `qemu-mips-static`. */
    userBinary: string;
    machine: string;
    cpu?: string;
    /** The kernel's console device, e.g. `ttyS0`. */
    console: string;
    /** QEMU device model for the network card. */
    netDevice: string;
    /** QEMU device model for the hardware random number generator. */
    rngDevice?: string;
    memoryMiB: number;
    extraArgs: string[];
  };
  /**
   * How a raw disk image (`--format raw`) boots on this architecture under
   * UEFI. Absent where QEMU has no UEFI firmware or Debian no GRUB EFI build:
   * such targets boot raw disks from `bios` below, or get no raw format
   * (docs/updates.md maps the scheme onto U-Boot).
   */
  uefi?: Uefi;
  /**
   * How a raw disk image boots on this architecture from a legacy PC BIOS
   * (no UEFI): GRUB's i386-pc build in a BIOS boot partition, started by
   * GRUB's boot sector in the MBR. For old x86 boxes without UEFI.
   */
  bios?: Bios;
}

/**
 * The legacy BIOS boot facts of one architecture: GRUB's BIOS build in Debian.
 * QEMU's own firmware (SeaBIOS) boots such a disk without a -bios option.
 */
export interface Bios {
  /** Debian package with GRUB's modules, boot.img and diskboot.img for the platform, e.g. `grub-pc-bin`. */
  grubPackage: string;
  /** GRUB's platform name, the folder under /usr/lib/grub, e.g. `i386-pc`. */
  grubPlatform: string;
}

/**
 * The UEFI boot facts of one architecture: GRUB's EFI build in Debian (for the
 * target's Debian architecture), the file name firmware boots from removable
 * media, and the firmware QEMU boots a disk with.
 */
export interface Uefi {
  /** Debian package with the GRUB modules for this platform, e.g. `grub-efi-amd64-bin`. */
  grubPackage: string;
  /** GRUB's platform name, the folder under /usr/lib/grub, e.g. `x86_64-efi`. */
  grubPlatform: string;
  /** The removable-media boot path firmware looks for on the ESP, e.g. `EFI/BOOT/BOOTX64.EFI`. */
  efiPath: string;
  /** UEFI firmware for QEMU (`-bios`), and the Debian package that ships it. */
  firmware: string;
  firmwarePackage: string;
}

/**
 * The kernel's build recipe for one architecture: `make ARCH=<arch>
 * CROSS_COMPILE=<triplet>- tinyconfig`, the fragments `kernel-config/common.config`
 * and `kernel-config/<fragment>.config`, then `make <makeTarget>`; `image` is the
 * file QEMU's `-kernel` loads.
 */
export interface KernelBuild {
  /** The kernel's ARCH, e.g. `x86`, `arm64`, `mips`. */
  arch: string;
  /** Name of the per-architecture fragment in `kernel-config/` (without `.config`). */
  fragment: string;
  /** The make goal that produces the image, e.g. `bzImage`, `vmlinux`. */
  makeTarget: string;
  /** The image relative to the build folder, e.g. `arch/x86/boot/bzImage`. */
  image: string;
  /**
   * What the image is: a self-decompressing boot image (`bzImage`, `zImage`),
   * a raw arm64 `Image`, or an ELF `vmlinux` (malta loads it directly; it is
   * stripped of symbols first).
   */
  format: 'bzImage' | 'zImage' | 'Image' | 'elf';
}
