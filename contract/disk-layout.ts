/** Where things are on an imago disk, shared by the builder (raw format) and the init. */

/** GPT partition names: the init finds its partitions by them. */
export const espPartName = 'imago-esp';
export const dataPartName = 'imago-data';
/** GRUB's environment block on the ESP. */
export const grubenvFile = 'imago/grubenv';
/** The agent's record of failed trials and rollbacks on the ESP (JSON). */
export const stateFile = 'imago/state.json';
/** Where the init mounts the ESP and the data partition. */
export const espMount = '/run/imago/esp';
export const dataMount = '/data';
/**
 * U-Boot boards keep the slot state in U-Boot's own environment instead of
 * grubenv: two copies as two files on the ESP (CONFIG_ENV_IS_IN_FAT with
 * CONFIG_SYS_REDUNDAND_ENVIRONMENT), each `ubootEnvFormat.size` bytes, so a
 * power cut while one is written leaves the other. The builder writes both;
 * U-Boot (bootcount) and the init rewrite them in place.
 */
export const ubootEnvFiles = ['imago/uboot.env', 'imago/uboot-redund.env'] as const;
export const ubootEnvFormat = { size: 0x4000, redundant: true } as const;
/** The A/B boot script U-Boot runs from the ESP (a legacy `mkimage -T script` image). */
export const ubootScriptFile = 'imago/boot.scr';
