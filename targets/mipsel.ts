import type { Target } from './types.ts';

/**
 * 32-bit little-endian MIPS on QEMU's malta board; Debian's 4kc-malta kernel
 * needs an R2 CPU (24Kf: `-cpu 4Kc` hangs silently). 64-bit atomics need libatomic.
 */
export const mipsel: Target = {
  name: 'mipsel',
  debianArch: 'mipsel',
  triplet: 'mipsel-linux-gnu',
  compilerPackage: 'gcc-mipsel-linux-gnu',
  libcPackage: 'libc6-dev-mipsel-cross',
  cflags: [],
  libs: ['-latomic'],
  elf: { class: 32, endian: 'LSB', machine: 'MIPS' },
  kernel: {
    debianPackage: 'linux-image-4kc-malta',
    // On malta even the virtio core and ring are modules; the closure pulls them in.
    bootModules: ['virtio_pci', 'virtio_net', 'virtio_rng'],
    // U-Boot reads the raw disk over the PIIX4's IDE (builder/src/uboot/boards.ts): Linux does too (libata and sd_mod are built in).
    diskModules: ['ata_piix'],
    // 4kc-malta has no highmem, and malta puts RAM beyond 256 MB above the I/O hole.
    debianMaxMemoryMiB: 256,
    build: { arch: 'mips', fragment: 'mipsel', makeTarget: 'vmlinux', image: 'vmlinux', format: 'elf' },
  },
  qemu: {
    package: 'qemu-system-mips',
    binary: 'qemu-system-mipsel',
    userBinary: 'qemu-mipsel-static',
    machine: 'malta',
    cpu: '24Kf',
    console: 'ttyS0',
    netDevice: 'virtio-net-pci',
    rngDevice: 'virtio-rng-pci',
    memoryMiB: 256,
    extraArgs: [],
  },
};
