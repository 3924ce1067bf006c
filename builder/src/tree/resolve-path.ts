/**
 * Looks a path up in a Tree the way the kernel would on the booted image:
 * symlinks are followed (in any component, relative or absolute, within the
 * tree) and hard links lead to the file holding the bytes. Pure.
 *
 *   resolvePath(tree, '/sbin/getty');   // { found: FileEntry, path: 'bin/busybox' } or { missing: 'sbin/getty' }
 */
import { normalisePath, parentPath, type Entry, type Tree } from './tree.ts';

/** The kernel's limit on symlinks followed in one lookup (MAXSYMLINKS). */
const maxSymlinks = 40;

/**
 * Where a lookup ended: the entry and its real path, or the first path that
 * is not there (`loop` when symlinks point at each other), so a message can
 * say which link dangles.
 */
export type ResolvedPath = { found: Entry; path: string } | { missing: string; loop?: true };

/** Resolves `path` (absolute, as the image sees it) to the entry it names. */
export function resolvePath(tree: Tree, path: string): ResolvedPath {
  let pending = normalisePath(path).split('/').filter(Boolean);
  let current = '';
  let links = 0;
  while (pending.length > 0) {
    const [name, ...rest] = pending;
    const candidate = current === '' ? name! : `${current}/${name}`;
    const entry = tree.get(candidate);
    if (!entry) return { missing: candidate };
    if (entry.kind === 'symlink') {
      if (++links > maxSymlinks) return { missing: candidate, loop: true };
      // A relative target starts from the link's folder; `..` above the root stays at the root, as in the kernel.
      const base = entry.target.startsWith('/') ? '' : parentPath(candidate);
      pending = [...joinWithinRoot(base, entry.target), ...rest];
      current = '';
      continue;
    }
    if (rest.length > 0 && entry.kind !== 'dir') return { missing: `${candidate}/${rest[0]}` };
    current = candidate;
    pending = rest;
  }
  if (current === '') return { found: { path: '', kind: 'dir', mode: 0o755, uid: 0, gid: 0 }, path: '' };
  const entry = tree.get(current)!;
  const file = entry.kind === 'hardlink' ? tree.resolveHardlink(entry) : entry;
  return file ? { found: file, path: file.path } : { missing: entry.kind === 'hardlink' ? entry.target : current };
}

/** The components of `target` taken from folder `base`, with `..` stopping at the root. */
function joinWithinRoot(base: string, target: string): string[] {
  const parts: string[] = [];
  for (const segment of `${base}/${target}`.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') parts.pop();
    else parts.push(segment);
  }
  return parts;
}
