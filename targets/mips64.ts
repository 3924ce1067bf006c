import type { Target } from './types.ts';

/**
 * 64-bit big-endian MIPS (mips64r2, n64 ABI) on QEMU's malta board with a
 * 5KEc. Like mips, Debian has no packages for it: the kernel and BusyBox are
 * built from source.
 */
export const mips64: Target = {
  name: 'mips64',
  triplet: 'mips64-linux-gnuabi64',
  compilerPackage: 'gcc-mips64-linux-gnuabi64',
  libcPackage: 'libc6-dev-mips64-cross',
  cflags: [],
  libs: [],
  elf: { class: 64, endian: 'MSB', machine: 'MIPS' },
  kernel: {
    bootModules: [],
    build: { arch: 'mips', fragment: 'mips64', makeTarget: 'vmlinux', image: 'vmlinux', format: 'elf' },
  },
  qemu: {
    package: 'qemu-system-mips',
    binary: 'qemu-system-mips64',
    userBinary: 'qemu-mips64-static',
    machine: 'malta',
    cpu: '5KEc',
    console: 'ttyS0',
    netDevice: 'virtio-net-pci',
    rngDevice: 'virtio-rng-pci',
    memoryMiB: 256,
    extraArgs: [],
  },
};
