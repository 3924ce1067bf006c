import type { Target } from './types.ts';

/**
 * 32-bit PC, QEMU's `pc` machine; Debian's 686-pae kernel (virtio as modules).
 * The init is built for SSE2 math: QuickJS's double rounding is only right
 * without the x87's extended precision (needs a Pentium 4 class CPU).
 */
export const i386: Target = {
  name: 'i386',
  debianArch: 'i386',
  triplet: 'i686-linux-gnu',
  compilerPackage: 'gcc-i686-linux-gnu',
  libcPackage: 'libc6-dev-i386-cross',
  cflags: ['-msse2', '-mfpmath=sse'],
  libs: [],
  elf: { class: 32, endian: 'LSB', machine: 'Intel 80386' },
  kernel: {
    debianPackage: 'linux-image-686-pae',
    bootModules: ['virtio_pci', 'virtio_net', 'virtio_rng'],
    diskModules: ['virtio_blk', 'ahci', 'ata_piix', 'sd_mod'],
    build: { arch: 'x86', fragment: 'i386', makeTarget: 'bzImage', image: 'arch/x86/boot/bzImage', format: 'bzImage' },
  },
  qemu: {
    package: 'qemu-system-x86',
    binary: 'qemu-system-i386',
    userBinary: 'qemu-i386-static',
    machine: 'pc',
    console: 'ttyS0',
    netDevice: 'virtio-net-pci',
    rngDevice: 'virtio-rng-pci',
    memoryMiB: 512,
    extraArgs: [],
  },
  // Old x86 boxes have no UEFI: raw disks boot from the BIOS (QEMU: SeaBIOS).
  bios: {
    grubPackage: 'grub-pc-bin',
    grubPlatform: 'i386-pc',
  },
};
