import type { Target } from './types.ts';

/**
 * 32-bit ARM (ARMv7 with VFPv3, Debian armhf) on QEMU's `virt` board with a
 * Cortex-A15; Debian's armmp-lpae kernel, whose virtio core is built in.
 */
export const armv7: Target = {
  name: 'armv7',
  debianArch: 'armhf',
  triplet: 'arm-linux-gnueabihf',
  compilerPackage: 'gcc-arm-linux-gnueabihf',
  libcPackage: 'libc6-dev-armhf-cross',
  cflags: [],
  libs: [],
  elf: { class: 32, endian: 'LSB', machine: 'ARM' },
  kernel: {
    debianPackage: 'linux-image-armmp-lpae',
    bootModules: ['virtio_pci', 'virtio_net', 'virtio_rng'],
    // The raw disk under U-Boot is a virtio-pci block device (builder/src/uboot/boards.ts).
    diskModules: ['virtio_blk'],
    build: { arch: 'arm', fragment: 'armv7', makeTarget: 'zImage', image: 'arch/arm/boot/zImage', format: 'zImage' },
  },
  qemu: {
    package: 'qemu-system-arm',
    binary: 'qemu-system-arm',
    userBinary: 'qemu-arm-static',
    machine: 'virt',
    cpu: 'cortex-a15',
    console: 'ttyAMA0',
    netDevice: 'virtio-net-pci',
    rngDevice: 'virtio-rng-pci',
    memoryMiB: 512,
    extraArgs: [],
  },
};
