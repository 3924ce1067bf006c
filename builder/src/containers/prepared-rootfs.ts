/**
 * Puts a prepared image's root filesystem into the OS image under its folder
 * (names.ts preparedRootfsPath), owners, modes and hard links as they are, so
 * the device runs it without unpacking anything. Pure.
 *
 *   addPreparedRootfs(tree, { path: '/usr/lib/imago/containers/broker', entries, ... });
 */
import { normalisePath, type Tree } from '../tree/tree.ts';
import type { PreparedImage } from './image-containers.ts';

/** Adds every entry of `image` below `image.path` in `tree`; hard link targets move with them. */
export function addPreparedRootfs(tree: Tree, image: Pick<PreparedImage, 'path' | 'entries'>): void {
  const base = normalisePath(image.path);
  tree.mkdir(base, 0o755);
  for (const entry of image.entries) {
    const path = `${base}/${entry.path}`;
    // Symlinks stay as they are: an absolute target is resolved inside the container's root, where it belongs.
    if (entry.kind === 'hardlink') tree.add({ ...entry, path, target: `${base}/${entry.target}` });
    else tree.add({ ...entry, path });
  }
}
