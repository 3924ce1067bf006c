/**
 * Trims a container's unpacked packages to what its programs use, the way
 * distroless images are cut from Debian packages: paths the exclude patterns
 * name go, and of the ELF files (programs and libraries) that dependencies
 * brought, only those a kept program loads stay (its interpreter and
 * DT_NEEDED libraries, transitively). Every ELF file of a package the spec
 * lists is kept, with what it links, and so is the entrypoint. Symlinks left
 * pointing at a removed file go too. Pure.
 *
 * Why by linkage rather than by package: a dependency such as libc6 or
 * libssl3 is needed, but not all of it (libc6's iconv modules are 8 MB on
 * x86_64), and dependencies that only Debian's maintainer scripts use
 * (passwd, adduser, PAM) are never loaded by the image's programs. What a
 * program opens with dlopen and no DT_NEEDED (plugins of a dependency) is
 * not seen: list the package that has it.
 *
 *   const { removed } = leanTree(tree, { owners, wanted: ['mosquitto'], roots: ['/usr/sbin/mosquitto'], excluded: pathExcluder() });
 */
import { normalisePath, parentPath, type Entry, type Tree } from '../tree/tree.ts';
import { elfNeeds, isElf } from './elf-needs.ts';

/** What decides which files stay. */
export interface LeanInputs {
  /** The package that brought each tree path; paths without an owner (accounts, spec files) are never removed. */
  owners: ReadonlyMap<string, string>;
  /** Packages the spec lists: all their programs stay. */
  wanted: readonly string[];
  /** Programs that must stay whatever their package (the entrypoint), as absolute paths. */
  roots: readonly string[];
  /** Whether an exclude pattern takes a path (see exclude-paths.ts). */
  excluded: (path: string) => boolean;
}

/** Folders the dynamic loader searches without being told: lib, usr/lib, their 32/64 and multiarch variants. */
const loaderDir = /^(?:usr\/)?lib(?:32|64)?(?:\/[^/]+-linux-[^/]+)?$/;

/**
 * The path `path` ends at once symlinks (in the tree) are followed, calling
 * `through` with every symlink passed; a loop stops after 40 links.
 */
function resolvePath(tree: Tree, path: string, through: (symlink: string) => void): string {
  let parts = normalisePath(path).split('/').filter((part) => part !== '');
  for (let hops = 0, i = 0; i < parts.length; i++) {
    const here = parts.slice(0, i + 1).join('/');
    const entry = tree.get(here);
    if (entry?.kind !== 'symlink') continue;
    if (++hops > 40) return here;
    through(here);
    const base = entry.target.startsWith('/') ? '' : parentPath(here);
    parts = normalisePath(`${base}/${entry.target}/${parts.slice(i + 1).join('/')}`).split('/').filter((part) => part !== '');
    i = -1;
  }
  return parts.join('/');
}

/** The bytes of a file or hardlink entry. */
function fileData(tree: Tree, entry: Entry): Uint8Array | undefined {
  if (entry.kind === 'file') return entry.data;
  if (entry.kind === 'hardlink') return tree.resolveHardlink(entry)?.data;
  return undefined;
}

/**
 * Removes from `tree` what the inputs leave out; returns the removed paths
 * (sorted). Throws naming the file when an ELF file is corrupt.
 */
export function leanTree(tree: Tree, inputs: LeanInputs): { removed: string[] } {
  const removed = new Set<string>();
  const owned = (path: string) => inputs.owners.has(path);
  for (const entry of tree.entries()) {
    if (owned(entry.path) && entry.kind !== 'dir' && inputs.excluded(entry.path)) {
      tree.remove(entry.path);
      removed.add(entry.path);
    }
  }
  // Then the excluded folders left empty, deepest first; one holding a file without an owner stays.
  const left = tree.entries();
  const children = new Map<string, number>();
  for (const entry of left) children.set(parentPath(entry.path), (children.get(parentPath(entry.path)) ?? 0) + 1);
  for (const entry of left.reverse()) {
    if (entry.kind !== 'dir' || !inputs.excluded(entry.path) || (children.get(entry.path) ?? 0) > 0) continue;
    tree.remove(entry.path);
    removed.add(entry.path);
    children.set(parentPath(entry.path), children.get(parentPath(entry.path))! - 1);
  }

  // Every name a soname can be found under, by file name, in the loader's folders.
  const byName = new Map<string, string[]>();
  for (const entry of tree.entries()) {
    const dir = parentPath(entry.path);
    if (!loaderDir.test(dir)) continue;
    const name = entry.path.slice(dir.length + 1);
    byName.set(name, [...(byName.get(name) ?? []), entry.path]);
  }

  const keep = new Set<string>();
  const queue: string[] = [];
  const reach = (path: string) => {
    const target = resolvePath(tree, path, (link) => keep.add(link));
    const entry = tree.get(target);
    if (!entry || keep.has(target)) return;
    keep.add(target);
    if (entry.kind === 'hardlink') keep.add(entry.target);
    queue.push(target);
  };
  for (const entry of tree.entries()) {
    const data = fileData(tree, entry);
    if (data && isElf(data) && (!owned(entry.path) || inputs.wanted.includes(inputs.owners.get(entry.path)!))) reach(entry.path);
  }
  for (const root of inputs.roots) reach(root);
  while (queue.length > 0) {
    const path = queue.shift()!;
    const data = fileData(tree, tree.get(path)!);
    if (!data) continue;
    let needs;
    try {
      needs = elfNeeds(data);
    } catch (error) {
      throw new Error(`/${path}: unreadable ELF headers: ${(error as Error).message}`, { cause: error });
    }
    if (!needs) continue;
    if (needs.interpreter) reach(needs.interpreter);
    const origin = `/${parentPath(path)}`;
    for (const soname of needs.needed) {
      const fromRunpath = needs.runpath.map((dir) => normalisePath(`${dir.replace('$ORIGIN', origin)}/${soname}`)).filter((candidate) => tree.has(candidate));
      for (const candidate of [...fromRunpath, ...(byName.get(soname) ?? [])]) reach(candidate);
    }
  }

  for (const entry of tree.entries()) {
    if (!owned(entry.path) || keep.has(entry.path)) continue;
    const data = fileData(tree, entry);
    if (data && isElf(data)) {
      tree.remove(entry.path);
      removed.add(entry.path);
    }
  }
  // Links to what went: a dangling library name would only mislead the loader and the reader.
  for (let changed = true; changed; ) {
    changed = false;
    for (const entry of tree.entries()) {
      if (!owned(entry.path) || entry.kind !== 'symlink') continue;
      const target = resolvePath(tree, entry.path, () => {});
      if (removed.has(target)) {
        tree.remove(entry.path);
        removed.add(entry.path);
        changed = true;
      }
    }
  }
  return { removed: [...removed].sort() };
}
