/**
 * What a kernel needs for an image with A/B updates to reach its own disk:
 * the target's storage drivers, vfat with the code pages the ESP is mounted
 * with, and ext4 (with the checksum its metadata uses) for the data partition.
 * Debian's kernels load them as modules; a kernel built from source gets
 * config fragments instead. Without them the init would wait for partitions
 * it can never see.
 */
import { fileURLToPath } from 'node:url';
import type { Target } from '../../../../targets/types.ts';
import { ubootBoards } from '../../uboot/boards.ts';

const fileSystemModules = ['vfat', 'nls_cp437', 'nls_ascii', 'ext4', 'crc32c_generic'];

/** The modules to load for `spec`'s update partitions on `target`; none without `update:`. */
export function diskKernelModules(spec: { update?: unknown }, target: Target): string[] {
  return spec.update ? [...(target.kernel.diskModules ?? []), ...fileSystemModules] : [];
}

function fragment(name: string): string {
  return fileURLToPath(new URL(`../../../../kernel-config/${name}.config`, import.meta.url));
}

/**
 * Extra config fragments (absolute paths) for a kernel built from source for
 * `spec` on `target`: the file systems, and the IDE driver when the target's
 * U-Boot reads the disk over IDE (Linux must find the same disk). None
 * without `update:`.
 */
export function diskKernelFragments(spec: { update?: unknown }, target: Target): string[] {
  if (!spec.update) return [];
  return [fragment('update-disk'), ...(ubootBoards[target.name]?.diskInterface === 'ide' ? [fragment('ide-disk')] : [])];
}
