/**
 * What imago must know about one CPU architecture: how to get a kernel and
 * userland for it, how to compile for it, and how QEMU boots it. Every
 * architecture-specific fact lives in one file of this folder.
 */
export interface Target {
  /** The name used in specs and on the command line, e.g. `x86_64`. */
  name: string;
  /** Debian's architecture name, or undefined where Debian 12 has no binary packages. */
  debianArch?: string;
  /** GNU triplet of the cross toolchain, e.g. `x86_64-linux-gnu`. */
  triplet: string;
  /** Debian package that provides `<triplet>-gcc`. */
  compilerPackage: string;
  /** Extra flags for compiling the init runtime. */
  cflags: string[];
  /** Extra libraries for linking the init runtime (e.g. libatomic on 32-bit MIPS). */
  libs: string[];
  /** ELF facts `file` must report for a correct binary of this target, used by tests. */
  elf: { class: 32 | 64; endian: 'LSB' | 'MSB'; machine: string };
  kernel: {
    /** Debian package (metapackage) with the default kernel, when Debian has one. */
    debianPackage?: string;
    /** Modules every image loads so the QEMU devices below work, in load order. */
    bootModules: string[];
  };
  qemu: {
    /** Debian package that provides the QEMU binary. */
    package: string;
    binary: string;
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
}
