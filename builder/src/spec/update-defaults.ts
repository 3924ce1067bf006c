/**
 * Defaults of the spec's `update:` sizes, shared by the raw disk writer and the
 * build-time checks that must agree with it.
 */
const MiB = 2 ** 20;

/** Room for one slot on the ESP (which holds two), when update.slot_size is not given. */
export const defaultSlotSize = 96 * MiB;
/** The ext4 data partition, when update.data_size is not given. */
export const defaultDataSize = 64 * MiB;
