/**
 * Defaults of the spec's `update:` section, shared by the raw disk writer, the
 * init configuration and the build-time checks that must agree with them.
 */
import { defaultCompatible } from '../../../contract/index.ts';
import type { Spec } from './schema.ts';

const MiB = 2 ** 20;

/** The compatible name an image of `spec` for `arch` has and its bundles carry (update.compatible). */
export function imageCompatible(spec: Pick<Spec, 'name' | 'update'>, arch: string): string {
  return spec.update?.compatible ?? defaultCompatible(spec.name, arch);
}

/** Room for one slot on the ESP (which holds two), when update.slot_size is not given. */
export const defaultSlotSize = 96 * MiB;
/** The smallest slot: a kernel and a compressed initramfs of a few megabytes each. */
export const minSlotSize = 8 * MiB;
/**
 * The smallest data partition: ext4's journal and metadata take about 4 MiB of
 * a small file system, and the device needs room beyond them for what it keeps.
 */
export const minDataSize = 16 * MiB;
/** The ext4 data partition, when update.data_size is not given. */
export const defaultDataSize = 64 * MiB;

/** How long critical services must be healthy before a trial commits (update.commit_after). */
export const defaultCommitAfterMs = 60_000;
/** When an uncommitted trial gives up (update.commit_timeout). */
export const defaultCommitTimeoutMs = 300_000;
/** Trial boots of a new slot (update.tries). */
export const defaultTries = 1;
