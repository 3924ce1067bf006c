import type { Target } from './types.ts';

/**
 * 64-bit little-endian MIPS (n64) on QEMU's malta board; Debian's 5kc-malta
 * kernel needs the 5KEc CPU (qemu-system-mips64el's default 5Kf does not boot it).
 */
export const mips64el: Target = {
  name: 'mips64el',
  debianArch: 'mips64el',
  triplet: 'mips64el-linux-gnuabi64',
  compilerPackage: 'gcc-mips64el-linux-gnuabi64',
  libcPackage: 'libc6-dev-mips64el-cross',
  cflags: [],
  libs: [],
  elf: { class: 64, endian: 'LSB', machine: 'MIPS' },
  kernel: {
    debianPackage: 'linux-image-5kc-malta',
    bootModules: ['virtio_pci', 'virtio_net', 'virtio_rng'],
    // U-Boot reads the raw disk over the PIIX4's IDE (builder/src/uboot/boards.ts): Linux does too (libata and sd_mod are built in).
    diskModules: ['ata_piix'],
    build: { arch: 'mips', fragment: 'mips64el', makeTarget: 'vmlinux', image: 'vmlinux', format: 'elf' },
  },
  qemu: {
    package: 'qemu-system-mips',
    binary: 'qemu-system-mips64el',
    userBinary: 'qemu-mips64el-static',
    machine: 'malta',
    cpu: '5KEc',
    console: 'ttyS0',
    netDevice: 'virtio-net-pci',
    rngDevice: 'virtio-rng-pci',
    memoryMiB: 256,
    extraArgs: [],
  },
};
