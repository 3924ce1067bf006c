import type { Target } from './types.ts';

/** 64-bit PC, QEMU's `pc` machine; Debian's generic amd64 kernel with virtio as modules. */
export const x86_64: Target = {
  name: 'x86_64',
  debianArch: 'amd64',
  triplet: 'x86_64-linux-gnu',
  compilerPackage: 'gcc-x86-64-linux-gnu',
  cflags: [],
  libs: [],
  elf: { class: 64, endian: 'LSB', machine: 'x86-64' },
  kernel: {
    debianPackage: 'linux-image-amd64',
    // Debian builds the virtio core, PCI transport and net driver as modules.
    bootModules: ['virtio_pci', 'virtio_net', 'virtio_rng'],
  },
  qemu: {
    package: 'qemu-system-x86',
    binary: 'qemu-system-x86_64',
    machine: 'pc',
    console: 'ttyS0',
    netDevice: 'virtio-net-pci',
    rngDevice: 'virtio-rng-pci',
    memoryMiB: 512,
    extraArgs: [],
  },
};
