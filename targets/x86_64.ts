import type { Target } from './types.ts';

/** 64-bit PC, QEMU's `pc` machine; Debian's generic amd64 kernel with virtio as modules. */
export const x86_64: Target = {
  name: 'x86_64',
  debianArch: 'amd64',
  triplet: 'x86_64-linux-gnu',
  // The build host is amd64 Debian: its own gcc is x86_64-linux-gnu-gcc (gcc-x86-64-linux-gnu is only a virtual package there).
  compilerPackage: 'gcc',
  libcPackage: 'libc6-dev',
  cflags: [],
  libs: [],
  elf: { class: 64, endian: 'LSB', machine: 'x86-64' },
  kernel: {
    debianPackage: 'linux-image-amd64',
    // Debian builds the virtio core, PCI transport and net driver as modules.
    bootModules: ['virtio_pci', 'virtio_net', 'virtio_rng'],
    diskModules: ['virtio_blk', 'ahci', 'sd_mod', 'nvme'],
    build: { arch: 'x86', fragment: 'x86_64', makeTarget: 'bzImage', image: 'arch/x86/boot/bzImage', format: 'bzImage' },
  },
  qemu: {
    package: 'qemu-system-x86',
    binary: 'qemu-system-x86_64',
    userBinary: 'qemu-x86_64-static',
    machine: 'pc',
    console: 'ttyS0',
    netDevice: 'virtio-net-pci',
    rngDevice: 'virtio-rng-pci',
    memoryMiB: 512,
    extraArgs: [],
  },
  uefi: {
    grubPackage: 'grub-efi-amd64-bin',
    grubPlatform: 'x86_64-efi',
    efiPath: 'EFI/BOOT/BOOTX64.EFI',
    firmware: '/usr/share/ovmf/OVMF.fd',
    firmwarePackage: 'ovmf',
  },
};
