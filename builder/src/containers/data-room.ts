/**
 * Whether the data partition can hold containerd's copy of the images. In an
 * image with updates containerd keeps its root there: every layer once in its
 * content store and once unpacked as a snapshot. A partition too small would
 * make the boot-time import fail on the device, so the build refuses it. Pure.
 */
import type { UnlocatedProblem } from '../spec/problem.ts';
import type { Spec } from '../spec/schema.ts';
import { defaultDataSize } from '../spec/update-defaults.ts';

const MiB = 2 ** 20;
/** ext4's journal and metadata, containerd's database and room for containers' writable layers. */
const headroom = 32 * MiB;

/** The data partition size `images` need, in bytes: twice their archives plus headroom. */
export function containerdDataNeed(archiveBytes: readonly number[]): number {
  return 2 * archiveBytes.reduce((sum, size) => sum + size, 0) + headroom;
}

/** A problem at update.data_size when the partition is smaller than the stored images need. */
export function containerdDataProblems(spec: Spec, archiveBytes: readonly number[]): UnlocatedProblem[] {
  if (!spec.update || archiveBytes.length === 0) return [];
  const size = spec.update.data_size ?? defaultDataSize;
  const need = containerdDataNeed(archiveBytes);
  if (size >= need) return [];
  const mib = (bytes: number) => `${Math.ceil(bytes / MiB)}M`;
  return [
    {
      path: spec.update.data_size === undefined ? ['update'] : ['update', 'data_size'],
      message: `expected a data partition of at least ${mib(need)} (containerd keeps the ${archiveBytes.length} container image(s) there: their layers, then unpacked), got ${mib(size)}${spec.update.data_size === undefined ? ' (the default data_size)' : ''}`,
    },
  ];
}
