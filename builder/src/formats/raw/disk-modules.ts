/**
 * Kernel modules an image with A/B updates needs to reach its own disk: the
 * target's storage drivers, vfat with the code pages the ESP is mounted with,
 * and ext4 (with the checksum its metadata uses) for the data partition.
 * Without them the init would wait for partitions it can never see.
 */
import type { Target } from '../../../../targets/types.ts';

const fileSystemModules = ['vfat', 'nls_cp437', 'nls_ascii', 'ext4', 'crc32c_generic'];

/** The modules to load for `spec`'s update partitions on `target`; none without `update:`. */
export function diskKernelModules(spec: { update?: unknown }, target: Target): string[] {
  return spec.update ? [...(target.kernel.diskModules ?? []), ...fileSystemModules] : [];
}
