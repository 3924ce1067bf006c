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
