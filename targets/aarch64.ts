import type { Target } from './types.ts';

/**
 * 64-bit ARM on QEMU's `virt` board with a Cortex-A57 (`-cpu max` is about 4x
 * slower under TCG: pointer authentication); Debian's arm64 kernel.
 */
export const aarch64: Target = {
  name: 'aarch64',
  debianArch: 'arm64',
  triplet: 'aarch64-linux-gnu',
  compilerPackage: 'gcc-aarch64-linux-gnu',
  libcPackage: 'libc6-dev-arm64-cross',
  cflags: [],
  libs: [],
  elf: { class: 64, endian: 'LSB', machine: 'ARM aarch64' },
  kernel: {
    debianPackage: 'linux-image-arm64',
    bootModules: ['virtio_pci', 'virtio_net', 'virtio_rng'],
    diskModules: ['virtio_blk', 'nvme'],
    build: { arch: 'arm64', fragment: 'aarch64', makeTarget: 'Image', image: 'arch/arm64/boot/Image', format: 'Image' },
  },
  qemu: {
    package: 'qemu-system-arm',
    binary: 'qemu-system-aarch64',
    userBinary: 'qemu-aarch64-static',
    machine: 'virt',
    cpu: 'cortex-a57',
    console: 'ttyAMA0',
    netDevice: 'virtio-net-pci',
    rngDevice: 'virtio-rng-pci',
    memoryMiB: 512,
    extraArgs: [],
  },
  uefi: {
    grubPackage: 'grub-efi-arm64-bin',
    grubPlatform: 'arm64-efi',
    efiPath: 'EFI/BOOT/BOOTAA64.EFI',
    firmware: '/usr/share/qemu-efi-aarch64/QEMU_EFI.fd',
    firmwarePackage: 'qemu-efi-aarch64',
  },
};
