/**
 * Puts a prepared image's root filesystem into the OS image under its folder
 * (names.ts preparedRootfsPath), owners, modes and hard links as they are, so
 * the device runs it without unpacking anything. A file another prepared
 * image already has (same bytes, mode and owner: libc, libcrypto) becomes a
 * hard link to it, so it is in the initramfs and in RAM once; the overlay
 * each container runs on copies a file up before writing it, so sharing is
 * never seen. Pure.
 *
 *   const shared = new Map();
 *   for (const image of prepared) addPreparedRootfs(tree, image, shared);
 */
import { createHash } from 'node:crypto';
import { normalisePath, type Tree } from '../tree/tree.ts';
import type { PreparedImage } from './image-containers.ts';

/** Files already added, by content, mode and owner, to the tree path that holds them. */
export type SharedFiles = Map<string, string>;

/** Adds every entry of `image` below `image.path` in `tree`; hard link targets move with them. */
export function addPreparedRootfs(tree: Tree, image: Pick<PreparedImage, 'path' | 'entries'>, shared: SharedFiles = new Map()): void {
  const base = normalisePath(image.path);
  tree.mkdir(base, 0o755);
  for (const entry of image.entries) {
    const path = `${base}/${entry.path}`;
    if (entry.kind === 'hardlink') {
      tree.add({ ...entry, path, target: `${base}/${entry.target}` });
      continue;
    }
    if (entry.kind === 'file') {
      const key = `${createHash('sha256').update(entry.data).digest('hex')} ${entry.mode} ${entry.uid}:${entry.gid}`;
      const first = shared.get(key);
      if (first !== undefined && first !== path) {
        tree.add({ path, kind: 'hardlink', mode: entry.mode, uid: entry.uid, gid: entry.gid, target: first });
        continue;
      }
      shared.set(key, path);
    }
    // Symlinks stay as they are: an absolute target is resolved inside the container's root, where it belongs.
    tree.add({ ...entry, path });
  }
}
