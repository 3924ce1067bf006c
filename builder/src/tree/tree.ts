/**
 * The root filesystem as an in-memory map keyed by normalised path, written later
 * straight into a cpio archive. Nothing here touches the host's file system, so a
 * build needs no root: modes, owners and device nodes are plain metadata.
 *
 *   const tree = new Tree();
 *   tree.add({ path: '/etc/hostname', kind: 'file', mode: 0o644, uid: 0, gid: 0, data: bytes('box\n') });
 *   for (const entry of tree.entries()) ...   // sorted, parents first
 */

export type EntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'chardev' | 'blockdev' | 'fifo';

interface EntryBase {
  /** Normalised path without a leading slash, e.g. `etc/passwd`. */
  path: string;
  /** Permission bits, including setuid/setgid/sticky (no file-type bits). */
  mode: number;
  uid: number;
  gid: number;
}

export interface FileEntry extends EntryBase { kind: 'file'; data: Uint8Array }
export interface DirEntry extends EntryBase { kind: 'dir' }
export interface SymlinkEntry extends EntryBase { kind: 'symlink'; target: string }
/** A second name for the regular file at `target` (a normalised tree path). */
export interface HardlinkEntry extends EntryBase { kind: 'hardlink'; target: string }
export interface DeviceEntry extends EntryBase { kind: 'chardev' | 'blockdev'; major: number; minor: number }
export interface FifoEntry extends EntryBase { kind: 'fifo' }

export type Entry = FileEntry | DirEntry | SymlinkEntry | HardlinkEntry | DeviceEntry | FifoEntry;

/** Entry fields as callers write them: the path may be absolute or contain `./`, owner defaults to root. */
type WithOptionalOwner<E> = E extends Entry ? Omit<E, 'uid' | 'gid'> & { uid?: number; gid?: number } : never;
export type EntryInput = WithOptionalOwner<Entry>;

/**
 * Normalises a path to the tree's key form: no leading slash, no `.` or empty
 * segments, `..` resolved. Throws on a path that climbs above the root.
 */
export function normalisePath(path: string): string {
  const parts: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length === 0) throw new Error(`path ${JSON.stringify(path)} climbs above the root`);
      parts.pop();
      continue;
    }
    parts.push(segment);
  }
  return parts.join('/');
}

/** The parent of a normalised path, or '' for a top-level entry. */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Compares paths bytewise so the order never depends on the host's locale. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Tree {
  private readonly map = new Map<string, Entry>();

  /**
   * Adds or replaces an entry. Missing parent directories are created (0755, root).
   * A later entry at the same path wins, the way a later layer overrides an earlier one,
   * except that adding a directory over a directory keeps the first one's children and
   * takes the new metadata.
   */
  add(input: EntryInput): Entry {
    const path = normalisePath(input.path);
    if (path === '') throw new Error('cannot add an entry for the root itself');
    const entry = { uid: 0, gid: 0, ...input, path } as Entry;
    if (entry.kind === 'hardlink') entry.target = normalisePath(entry.target);
    this.ensureDir(parentPath(path));
    const existing = this.map.get(path);
    if (existing?.kind === 'dir' && entry.kind !== 'dir') this.removeChildren(path);
    this.map.set(path, entry);
    return entry;
  }

  /** Creates a directory (and its parents) unless one exists; returns it. */
  mkdir(path: string, mode = 0o755, uid = 0, gid = 0): Entry {
    const key = normalisePath(path);
    const existing = this.map.get(key);
    if (existing?.kind === 'dir') return existing;
    return this.add({ path: key, kind: 'dir', mode, uid, gid });
  }

  get(path: string): Entry | undefined {
    return this.map.get(normalisePath(path));
  }

  has(path: string): boolean {
    return this.map.has(normalisePath(path));
  }

  /** Removes an entry and, for a directory, everything below it. */
  remove(path: string): void {
    const key = normalisePath(path);
    this.map.delete(key);
    this.removeChildren(key);
  }

  /** Every entry, sorted bytewise by path, so parents always come before their children. */
  entries(): Entry[] {
    return [...this.map.values()].sort((a, b) => comparePaths(a.path, b.path));
  }

  get size(): number {
    return this.map.size;
  }

  /** Follows hardlinks to the file that holds the bytes. */
  resolveHardlink(entry: Entry): FileEntry | undefined {
    let current: Entry | undefined = entry;
    for (let hops = 0; current?.kind === 'hardlink' && hops < 16; hops++) current = this.map.get(current.target);
    return current?.kind === 'file' ? current : undefined;
  }

  private ensureDir(path: string): void {
    if (path === '') return;
    const existing = this.map.get(path);
    if (existing?.kind === 'dir') return;
    this.ensureDir(parentPath(path));
    this.map.set(path, { path, kind: 'dir', mode: 0o755, uid: 0, gid: 0 });
  }

  private removeChildren(path: string): void {
    const prefix = `${path}/`;
    for (const key of [...this.map.keys()]) if (key.startsWith(prefix)) this.map.delete(key);
  }
}

/** UTF-8 bytes of a string, for inline file contents. */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
