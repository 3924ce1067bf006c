/**
 * An in-memory file system for FakeSys, with what the update tests need to
 * check power-cut safety:
 *
 *  - durability: a file's bytes are on the "disk" only once it was fsynced (or
 *    after sync()); names (create, rename, remove) persist in the order they
 *    were made. `crashImage()` is what a power cut would leave: every name that
 *    exists now, with its file's last durable bytes.
 *  - faults: with `failAt = N`, the Nth changing operation (create, write,
 *    fsync, rename, remove, mkdir, sync...) throws an EIO SysError instead of
 *    happening, and the crash image from just before it is kept in `crashed`.
 *    `journal` lists every changing operation, in order, as "verb path".
 *  - read-only mounts: under a mount point made read-only (FakeSys.mount or
 *    remount with 'readonly'), a change throws EROFS, as the kernel's does; and
 *    making one read-only while a file under it is open for writing throws EBUSY.
 */
import { decodeUtf8, encodeUtf8 } from '../../../contract/index.ts';
import { SysError } from './sys.ts';

interface Inode {
  data: Uint8Array;
  /** The bytes a power cut would leave. */
  durable: Uint8Array;
}

interface OpenFile {
  path: string;
  inode?: Inode;
  position: number;
  append: boolean;
  /** Opened for writing: a remount read-only fails while it is open. */
  writable?: true;
}

const EIO = 5;
const ENOENT = 2;
const EEXIST = 17;
const EBUSY = 16;
const EROFS = 30;

export class FakeFileSystem {
  private readonly inodes = new Map<string, Inode>();
  private readonly dirs = new Set<string>(['/']);
  readonly symlinks = new Map<string, string>();
  /** Modes and owners set by chmod, chown or `setOwnership`; others read as root's 0644 files and 0755 folders. */
  private readonly ownership = new Map<string, { mode?: number; uid?: number; gid?: number }>();
  private readonly open = new Map<number, OpenFile>();
  /** Changing operations so far. */
  operations = 0;
  /** The changing operation (1-based) that fails, if any. */
  failAt?: number;
  /** The crash image taken just before the failing operation. */
  crashed?: Map<string, Uint8Array>;
  readonly journal: string[] = [];
  /** Mount points that are read-only now. */
  private readonly readOnlyMounts = new Set<string>();

  constructor(private readonly allocateFd: () => number) {}

  /** The read-only mount point `path` is under, if any. */
  private readOnlyMountOf(path: string): string | undefined {
    return [...this.readOnlyMounts].find((mount) => path === mount || path.startsWith(`${mount}/`));
  }

  /** Throws EROFS when `path` is on a read-only mount. */
  private checkWritable(verb: string, path: string): void {
    if (this.readOnlyMountOf(path)) throw new SysError(verb, path, EROFS, 'Read-only file system');
  }

  /** Makes the mount at `mountPoint` read-only or writable; EBUSY while a file under it is open for writing. */
  setReadOnly(mountPoint: string, readOnly: boolean): void {
    if (!readOnly) return void this.readOnlyMounts.delete(mountPoint);
    const busy = [...this.open.values()].find((file) => file.writable && (file.path === mountPoint || file.path.startsWith(`${mountPoint}/`)));
    if (busy) throw new SysError('remount', `${mountPoint} read-only`, EBUSY, 'Device or resource busy');
    this.readOnlyMounts.add(mountPoint);
  }

  /** Whether `path` is on a read-only mount now. */
  isReadOnly(path: string): boolean {
    return this.readOnlyMountOf(path) !== undefined;
  }

  /** Counts a changing operation; throws at `failAt`. */
  private step(verb: string, object: string): void {
    // A rename's object is "from to to": both ends are on the same mount. A folder
    // that exists already is no change (mkdir -p), and a mount point is a folder of the file system below.
    const noChange = verb === 'create directory' && (this.dirs.has(object) || this.readOnlyMounts.has(object));
    if (!noChange) this.checkWritable(verb, object.split(' to ')[0]!);
    this.operations++;
    this.journal.push(`${verb} ${object}`);
    if (this.operations === this.failAt) {
      this.crashed = this.crashImage();
      throw new SysError(verb, object, EIO, 'Input/output error');
    }
  }

  /** What a power cut now would leave on the disk: each file's durable bytes under its current name. */
  crashImage(): Map<string, Uint8Array> {
    return new Map([...this.inodes].map(([path, inode]) => [path, inode.durable.slice()]));
  }

  /** Every file's current bytes. */
  snapshot(): Map<string, Uint8Array> {
    return new Map([...this.inodes].map(([path, inode]) => [path, inode.data.slice()]));
  }

  /** Sets a file's bytes as already durable (test setup; not an operation). */
  put(path: string, data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? encodeUtf8(data) : data.slice();
    this.inodes.set(path, { data: bytes, durable: bytes.slice() });
  }

  get(path: string): Uint8Array | undefined {
    return this.inodes.get(path)?.data;
  }

  readBytes(path: string): Uint8Array | undefined {
    return this.inodes.get(path)?.data.slice();
  }
  readText(path: string): string | undefined {
    const bytes = this.inodes.get(path)?.data;
    return bytes === undefined ? undefined : decodeUtf8(bytes);
  }
  writeText(path: string, text: string): void {
    this.step('write', path);
    const inode = this.inodes.get(path);
    if (inode) inode.data = encodeUtf8(text);
    else this.inodes.set(path, { data: encodeUtf8(text), durable: new Uint8Array() });
  }
  mkdirs(path: string): void {
    this.step('create directory', path);
    let current = '';
    for (const part of path.split('/').filter(Boolean)) {
      current += `/${part}`;
      this.dirs.add(current);
    }
  }
  exists(path: string): boolean {
    return this.inodes.has(path) || this.dirs.has(path) || this.symlinks.has(path);
  }
  listDir(path: string): string[] {
    const prefix = path.endsWith('/') ? path : `${path}/`;
    const names = new Set<string>();
    for (const entry of [...this.inodes.keys(), ...this.dirs, ...this.symlinks.keys()]) {
      if (entry.startsWith(prefix) && entry.length > prefix.length) names.add(entry.slice(prefix.length).split('/')[0]!);
    }
    return [...names].sort();
  }
  fileSize(path: string): number | undefined {
    return this.inodes.get(path)?.data.length;
  }
  statSize(path: string): number | undefined {
    if (this.dirs.has(path)) return 4096;
    return this.inodes.get(path)?.data.length;
  }
  rename(from: string, to: string): void {
    this.step('rename', `${from} to ${to}`);
    const inode = this.inodes.get(from);
    if (!inode) throw new SysError('rename', `${from} to ${to}`, ENOENT, 'No such file or directory');
    this.inodes.delete(from);
    this.inodes.set(to, inode);
  }
  remove(path: string): void {
    this.step('remove', path);
    this.inodes.delete(path);
  }
  symlink(target: string, path: string): void {
    this.step('create symlink', path);
    this.symlinks.set(path, target);
  }
  lstat(path: string): { kind: 'file' | 'directory' | 'symlink'; mode: number; uid: number; gid: number } | undefined {
    const kind = this.inodes.has(path) ? 'file' : this.dirs.has(path) ? 'directory' : this.symlinks.has(path) ? 'symlink' : undefined;
    if (!kind) return undefined;
    const set = this.ownership.get(path) ?? {};
    const mode = set.mode ?? (kind === 'file' ? 0o644 : kind === 'directory' ? 0o755 : 0o777);
    return { kind, mode, uid: set.uid ?? 0, gid: set.gid ?? 0 };
  }
  readlink(path: string): string {
    const target = this.symlinks.get(path);
    if (target === undefined) throw new SysError('read symlink', path, ENOENT, 'No such file or directory');
    return target;
  }
  /** Sets a mode and owner as test setup (not an operation). */
  setOwnership(path: string, mode: number, uid = 0, gid = 0): void {
    this.ownership.set(path, { mode, uid, gid });
  }
  chmod(path: string, mode: number): void {
    this.step('change the mode of', path);
    this.ownership.set(path, { ...this.ownership.get(path), mode });
  }
  chown(path: string, uid: number, gid: number): void {
    this.step('change the owner of', path);
    this.ownership.set(path, { ...this.ownership.get(path), uid, gid });
  }
  /** What a move mount does to the names: the tree under `source` replaces the one under `target`. */
  moveTree(source: string, target: string): void {
    const under = (path: string, base: string) => path === base || path.startsWith(`${base}/`);
    const moved = (path: string) => target + path.slice(source.length);
    for (const path of [...this.inodes.keys()]) if (under(path, target)) this.inodes.delete(path);
    for (const path of [...this.dirs]) if (under(path, target) && path !== target) this.dirs.delete(path);
    for (const path of [...this.symlinks.keys()]) if (under(path, target)) this.symlinks.delete(path);
    for (const [path, inode] of [...this.inodes]) if (under(path, source)) (this.inodes.delete(path), this.inodes.set(moved(path), inode));
    for (const path of [...this.dirs]) if (under(path, source) && path !== source) (this.dirs.delete(path), this.dirs.add(moved(path)));
    for (const [path, link] of [...this.symlinks]) if (under(path, source)) (this.symlinks.delete(path), this.symlinks.set(moved(path), link));
    for (const [path, set] of [...this.ownership]) if (under(path, source)) (this.ownership.delete(path), this.ownership.set(moved(path), set));
  }
  sync(): void {
    this.step('sync', 'all file systems');
    for (const inode of this.inodes.values()) inode.durable = inode.data.slice();
  }

  openRead(path: string): number {
    const inode = this.inodes.get(path);
    if (!inode && !this.dirs.has(path)) throw new SysError('open', path, ENOENT, 'No such file or directory');
    return this.track({ path, inode, position: 0, append: false });
  }
  create(path: string): number {
    this.step('create', path);
    let inode = this.inodes.get(path);
    if (inode) inode.data = new Uint8Array();
    else this.inodes.set(path, (inode = { data: new Uint8Array(), durable: new Uint8Array() }));
    return this.track({ path, inode, position: 0, append: false, writable: true });
  }
  createExclusive(path: string): number {
    this.step('create', path);
    if (this.exists(path)) throw new SysError('create', path, EEXIST, 'File exists');
    const inode = { data: new Uint8Array(), durable: new Uint8Array() };
    this.inodes.set(path, inode);
    return this.track({ path, inode, position: 0, append: false, writable: true });
  }
  openWrite(path: string): number {
    const inode = this.inodes.get(path);
    if (!inode) throw new SysError('open', path, ENOENT, 'No such file or directory');
    this.checkWritable('open', path);
    return this.track({ path, inode, position: 0, append: false, writable: true });
  }
  openAppend(path: string): number {
    this.checkWritable('open', path);
    let inode = this.inodes.get(path);
    if (!inode) this.inodes.set(path, (inode = { data: new Uint8Array(), durable: new Uint8Array() }));
    return this.track({ path, inode, position: 0, append: true, writable: true });
  }
  private track(file: OpenFile): number {
    const fd = this.allocateFd();
    this.open.set(fd, file);
    return fd;
  }

  /** Whether `fd` is one of this file system's open files. */
  owns(fd: number): boolean {
    return this.open.has(fd);
  }
  read(fd: number, max: number): Uint8Array {
    const file = this.open.get(fd)!;
    const data = file.inode?.data ?? new Uint8Array();
    const chunk = data.slice(file.position, file.position + max);
    file.position += chunk.length;
    return chunk;
  }
  write(fd: number, data: Uint8Array, name: string): void {
    const file = this.open.get(fd)!;
    this.step('write', name);
    const inode = file.inode!;
    const at = file.append ? inode.data.length : file.position;
    const grown = new Uint8Array(Math.max(inode.data.length, at + data.length));
    grown.set(inode.data);
    grown.set(data, at);
    inode.data = grown;
    file.position = at + data.length;
  }
  seek(fd: number, offset: number): void {
    this.open.get(fd)!.position = offset;
  }
  fsync(fd: number, name: string): void {
    const file = this.open.get(fd)!;
    this.step('sync', name);
    if (file.inode) file.inode.durable = file.inode.data.slice();
  }
  close(fd: number): void {
    this.open.delete(fd);
  }
}
