import type { Target } from './types.ts';

/**
 * 32-bit big-endian MIPS (mips32r2, hard-float) on QEMU's malta board with a
 * 24Kf. Debian 12 has no mips architecture: the kernel comes from
 * `kernel-config/` and BusyBox from Debian's source, and a spec can list no
 * Debian packages for it. 64-bit atomics need libatomic.
 */
export const mips: Target = {
  name: 'mips',
  triplet: 'mips-linux-gnu',
  compilerPackage: 'gcc-mips-linux-gnu',
  libcPackage: 'libc6-dev-mips-cross',
  cflags: [],
  libs: ['-latomic'],
  elf: { class: 32, endian: 'MSB', machine: 'MIPS' },
  kernel: {
    bootModules: [],
    build: { arch: 'mips', fragment: 'mips', makeTarget: 'vmlinux', image: 'vmlinux', format: 'elf' },
  },
  qemu: {
    package: 'qemu-system-mips',
    binary: 'qemu-system-mips',
    userBinary: 'qemu-mips-static',
    machine: 'malta',
    cpu: '24Kf',
    console: 'ttyS0',
    // Only PCI slots 0x12-0x15 have interrupts on malta: at most 4 devices (-nodefaults drops the VGA).
    netDevice: 'virtio-net-pci',
    rngDevice: 'virtio-rng-pci',
    memoryMiB: 256,
    extraArgs: [],
  },
};
