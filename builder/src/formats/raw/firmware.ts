/**
 * Per-architecture boot facts of the raw disk image: which Debian GRUB EFI
 * package, GRUB platform and removable-media file name, and which Debian UEFI
 * firmware QEMU boots it with. Only x86_64 and aarch64 have UEFI in QEMU and a
 * GRUB EFI build in Debian; docs/updates.md says how other boards map the same
 * scheme onto U-Boot.
 */

export interface EfiBoot {
  /** Debian package with the GRUB modules for this platform. */
  grubPackage: string;
  /** Debian architecture of that package. */
  debianArch: string;
  /** GRUB's platform name, the folder under /usr/lib/grub. */
  grubPlatform: string;
  /** The removable-media boot path firmware looks for on the ESP. */
  efiPath: string;
  /** UEFI firmware for QEMU (`-bios`), and the Debian package that ships it. */
  firmware: string;
  firmwarePackage: string;
}

export const efiBoot: Readonly<Record<string, EfiBoot>> = {
  x86_64: {
    grubPackage: 'grub-efi-amd64-bin',
    debianArch: 'amd64',
    grubPlatform: 'x86_64-efi',
    efiPath: 'EFI/BOOT/BOOTX64.EFI',
    firmware: '/usr/share/ovmf/OVMF.fd',
    firmwarePackage: 'ovmf',
  },
  aarch64: {
    grubPackage: 'grub-efi-arm64-bin',
    debianArch: 'arm64',
    grubPlatform: 'arm64-efi',
    efiPath: 'EFI/BOOT/BOOTAA64.EFI',
    firmware: '/usr/share/qemu-efi-aarch64/QEMU_EFI.fd',
    firmwarePackage: 'qemu-efi-aarch64',
  },
};

/** The EFI boot facts of `arch`; throws naming the architectures that have them. */
export function efiBootFor(arch: string): EfiBoot {
  const boot = efiBoot[arch];
  if (!boot) throw new Error(`--format raw: ${arch} has no UEFI GRUB build; raw disk images are made for ${Object.keys(efiBoot).join(' and ')} (see docs/updates.md for U-Boot boards)`);
  return boot;
}
