/**
 * Finds BusyBox's applet names in the binary itself, without running it, so it
 * works for every target architecture; then links the applets into a tree.
 *
 *   const names = busyboxApplets(bytes);      // ['[', '[[', 'acpid', ..., 'zcat']
 *   addBusyboxLinks(tree, '/bin/busybox');    // /bin/ls -> /bin/busybox, ...
 */
import type { Tree } from '../tree/tree.ts';

/** The packed table `applet_names` starts with the test applets, which sort first. */
const tableStart = Buffer.from('[\0[[\0', 'latin1');
const appletName = /^[a-z0-9_.+-]+$|^\[\[?$/;

/**
 * Returns the applet names of a BusyBox binary, in the binary's (sorted) order.
 * The names are a NUL-separated, strcmp-sorted table ending in an empty name; the
 * first table that is long and sorted wins, so a stray "[\0[[\0" elsewhere is skipped.
 * Throws when no table is found (e.g. a build without the `[` applets).
 */
export function busyboxApplets(binary: Uint8Array): string[] {
  const data = Buffer.from(binary.buffer, binary.byteOffset, binary.byteLength);
  for (let at = data.indexOf(tableStart); at >= 0; at = data.indexOf(tableStart, at + 1)) {
    const names = readTable(data, at);
    if (names) return names;
  }
  throw new Error('failed to find the applet table in the busybox binary: no sorted "[", "[[", ... name list');
}

function readTable(data: Buffer, start: number): string[] | undefined {
  const names: string[] = [];
  let at = start;
  for (;;) {
    const end = data.indexOf(0, at);
    if (end < 0) return undefined;
    const name = data.toString('latin1', at, end);
    if (name === '') break;
    if (!appletName.test(name)) return undefined;
    const previous = names[names.length - 1];
    if (previous !== undefined && !(previous < name)) return undefined;
    names.push(name);
    at = end + 1;
  }
  // Real builds have dozens of applets; a short run is a coincidental match.
  return names.length >= 3 ? names : undefined;
}

/** Folders searched for an existing command before an applet link is added. */
const commandDirs = ['bin', 'sbin', 'usr/bin', 'usr/sbin'];

/**
 * Adds a symlink `/bin/<applet>` → `/bin/busybox` (or the given path) for every applet
 * of the BusyBox binary at `busyboxPath` in `tree`, and returns the names linked.
 * An applet is skipped when any of /bin, /sbin, /usr/bin or /usr/sbin already has
 * that name, so a real tool from a package is never replaced or shadowed. When /bin
 * is a symlink (merged /usr), the links go into the folder it points to.
 * Throws when `busyboxPath` is not a regular file in the tree.
 */
export function addBusyboxLinks(tree: Tree, busyboxPath = '/bin/busybox'): string[] {
  const entry = tree.get(busyboxPath);
  const file = entry && tree.resolveHardlink(entry);
  if (!file) throw new Error(`failed to add busybox applet links: ${busyboxPath} is not a regular file in the image`);
  const binDir = resolveDir(tree, 'bin');
  const target = `/${file.path}`;
  const linked: string[] = [];
  for (const name of busyboxApplets(file.data)) {
    if (name === 'busybox') continue;
    if (commandDirs.some((dir) => tree.has(`${resolveDir(tree, dir)}/${name}`))) continue;
    tree.add({ path: `${binDir}/${name}`, kind: 'symlink', mode: 0o777, target });
    linked.push(name);
  }
  return linked;
}

/** Follows a top-level directory symlink such as `bin -> usr/bin` one level. */
function resolveDir(tree: Tree, dir: string): string {
  const entry = tree.get(dir);
  if (entry?.kind !== 'symlink') return dir;
  return entry.target.replace(/^\/+/, '').replace(/\/+$/, '');
}
