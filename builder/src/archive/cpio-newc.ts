/**
 * Writes a Tree as a newc ("070701") cpio archive, the format the kernel unpacks
 * into its initramfs. Output is reproducible: entries in the tree's sorted order,
 * one mtime for all (SOURCE_DATE_EPOCH), inode numbers counted from 1 in that
 * order, device numbers zero.
 *
 *   const archive = writeCpio(tree, { mtime: 1700000000 });
 */
import type { Entry, Tree } from '../tree/tree.ts';

/** File-type bits for st_mode. */
export const S_IFMT = 0o170000;
export const typeBits: Record<Entry['kind'], number> = {
  file: 0o100000,
  hardlink: 0o100000,
  dir: 0o040000,
  symlink: 0o120000,
  chardev: 0o020000,
  blockdev: 0o060000,
  fifo: 0o010000,
};

export interface CpioOptions {
  /** Seconds since the epoch stamped on every entry. */
  mtime: number;
}

interface Header {
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  size: number;
  rdevMajor: number;
  rdevMinor: number;
  name: string;
}

const encoder = new TextEncoder();

function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

function pad4(length: number): number {
  return (4 - (length % 4)) % 4;
}

function headerBytes(h: Header): Uint8Array {
  const name = encoder.encode(`${h.name}\0`);
  const fields = [h.ino, h.mode, h.uid, h.gid, h.nlink, h.mtime, h.size, 0, 0, h.rdevMajor, h.rdevMinor, name.length, 0];
  const head = encoder.encode(`070701${fields.map(hex8).join('')}`);
  const out = new Uint8Array(head.length + name.length + pad4(head.length + name.length));
  out.set(head, 0);
  out.set(name, head.length);
  return out;
}

/**
 * Serialises the tree. Hard links share their file's inode; the kernel creates
 * the first name it meets with the bytes and links later names to it, so the
 * data travels with the first name in archive order and later ones are empty.
 */
export function writeCpio(tree: Tree, options: CpioOptions): Uint8Array {
  const entries = tree.entries();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const push = (chunk: Uint8Array) => {
    chunks.push(chunk);
    total += chunk.length;
  };

  // Group every name of a regular file under the path of the file that holds the bytes.
  const holder = (entry: Entry) => (entry.kind === 'hardlink' ? tree.resolveHardlink(entry)?.path : entry.kind === 'file' ? entry.path : undefined);
  const linkCount = new Map<string, number>();
  for (const entry of entries) {
    const key = holder(entry);
    if (key) linkCount.set(key, (linkCount.get(key) ?? 0) + 1);
  }
  const inodeOf = new Map<string, number>();
  let nextIno = 1;

  for (const entry of entries) {
    const key = holder(entry);
    if (entry.kind === 'hardlink' && !key) throw new Error(`hard link ${entry.path} points at ${entry.target}, which is not a regular file in the image`);
    let ino: number;
    let data: Uint8Array = new Uint8Array(0);
    if (key) {
      const seen = inodeOf.get(key);
      ino = seen ?? nextIno++;
      if (seen === undefined) {
        inodeOf.set(key, ino);
        data = (entry.kind === 'file' ? entry : tree.resolveHardlink(entry)!).data;
      }
    } else {
      ino = nextIno++;
      if (entry.kind === 'symlink') data = encoder.encode(entry.target);
    }
    const isDevice = entry.kind === 'chardev' || entry.kind === 'blockdev';
    const fileForMode = entry.kind === 'hardlink' ? tree.resolveHardlink(entry)! : entry;
    push(
      headerBytes({
        ino,
        mode: typeBits[entry.kind] | (fileForMode.mode & 0o7777),
        uid: fileForMode.uid,
        gid: fileForMode.gid,
        nlink: key ? linkCount.get(key)! : entry.kind === 'dir' ? 2 : 1,
        mtime: options.mtime,
        size: data.length,
        rdevMajor: isDevice ? entry.major : 0,
        rdevMinor: isDevice ? entry.minor : 0,
        name: entry.path,
      }),
    );
    if (data.length > 0) {
      push(data);
      push(new Uint8Array(pad4(data.length)));
    }
  }
  push(headerBytes({ ino: 0, mode: 0, uid: 0, gid: 0, nlink: 1, mtime: 0, size: 0, rdevMajor: 0, rdevMinor: 0, name: 'TRAILER!!!' }));

  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
