/**
 * Where a device keeps its `state:` folders, decided from facts the init reads
 * (the mount table) so it can be tested without a device. Pure.
 *
 *   stateRoot(readText('/proc/self/mounts'), '/data')   // '/data/state' when /data is mounted
 *   stateLocations('/data/state', '/etc/ssh')          // { folder: '/data/state/etc/ssh', marker: '/data/state/.ready/etc/ssh' }
 */

/** Without a data partition state lives in RAM: generated again at every boot, but the root stays read-only. */
export const volatileStateRoot = '/run/imago/state';

/** Whether `target` is a mount point in a /proc/self/mounts text (fields are space-separated, spaces in paths written \040). */
export function isMountPoint(mounts: string, target: string): boolean {
  return mounts.split('\n').some((line) => line.split(' ')[1]?.replace(/\\040/g, ' ') === target);
}

/**
 * The folder that holds every state folder: on the data partition when it is
 * mounted (state survives reboots and updates), in RAM otherwise.
 */
export function stateRoot(mounts: string, dataMount: string | undefined): string {
  return dataMount !== undefined && isMountPoint(mounts, dataMount) ? `${dataMount}/state` : volatileStateRoot;
}

/**
 * Where one entry's content and its completion marker go. The marker sits
 * outside the folder, which is mounted over the entry's path: inside it the
 * marker would show up in /etc/ssh. Entries never nest (the spec refuses
 * it), so one entry's marker file is never another's folder.
 */
export function stateLocations(root: string, path: string): { folder: string; marker: string } {
  return { folder: `${root}${path}`, marker: `${root}/.ready${path}` };
}
