/**
 * A reproducible tar writer for OCI layers and archives: entries in the order
 * given (callers pass sorted trees) but each hard link after its target, one
 * fixed mtime, numeric owners only (no user or group names), so the same tree
 * always gives the same bytes.
 *
 *   const tar = await writeTar(tree.entries(), 0);
 */
import { pack, type Header } from 'tar-stream';

type Headers = Partial<Header> & Pick<Header, 'name'>;
import type { Entry } from '../tree/tree.ts';

const kinds: Record<Entry['kind'], Header['type']> = {
  file: 'file',
  dir: 'directory',
  symlink: 'symlink',
  hardlink: 'link',
  chardev: 'character-device',
  blockdev: 'block-device',
  fifo: 'fifo',
};

/** The tar header of a tree entry; directories end in `/`, as tar and the OCI layer spec expect. */
export function tarHeader(entry: Entry, mtime: Date): Headers {
  const header: Headers = {
    name: entry.kind === 'dir' ? `${entry.path}/` : entry.path,
    mode: entry.mode,
    uid: entry.uid,
    gid: entry.gid,
    mtime,
    type: kinds[entry.kind],
    uname: '',
    gname: '',
  };
  if (entry.kind === 'file') header.size = entry.data.length;
  if (entry.kind === 'symlink' || entry.kind === 'hardlink') header.linkname = entry.target;
  if (entry.kind === 'chardev' || entry.kind === 'blockdev') {
    header.devmajor = entry.major;
    header.devminor = entry.minor;
  }
  return header;
}

/**
 * `entries` in the order given, except that a hard link whose target comes later
 * is held back and written right after it (a link to a link after that one):
 * tar and containerd's unpacker create a link to a name they have already
 * extracted, and a sorted tree puts `etc/app-link` before `etc/app.conf`. A
 * link's folder comes before its own place, so still before it. A link to a
 * name not in `entries` (a file in a lower layer) stays where it is. Throws on
 * links that only name each other.
 */
export function linksAfterTargets(entries: Iterable<Entry>): Entry[] {
  const list = [...entries];
  const present = new Set(list.map((entry) => entry.path));
  const written = new Set<string>();
  const waiting = new Map<string, Entry[]>();
  const ordered: Entry[] = [];
  const write = (first: Entry) => {
    const next = [first];
    for (let entry = next.pop(); entry; entry = next.pop()) {
      ordered.push(entry);
      written.add(entry.path);
      const followers = waiting.get(entry.path);
      waiting.delete(entry.path);
      if (followers) next.push(...followers.reverse());
    }
  };
  for (const entry of list) {
    if (entry.kind === 'hardlink' && present.has(entry.target) && !written.has(entry.target)) {
      waiting.set(entry.target, [...(waiting.get(entry.target) ?? []), entry]);
    } else {
      write(entry);
    }
  }
  const stuck = [...waiting.values()].flat().map((entry) => entry.path).sort();
  if (stuck.length > 0) throw new Error(`hard links ${stuck.join(', ')} name each other in a loop: none of them is a file`);
  return ordered;
}

/**
 * Writes `entries` as a tar archive, every mtime set to `mtimeSeconds`
 * (SOURCE_DATE_EPOCH), each hard link after its target (linksAfterTargets).
 * Throws on an entry tar-stream cannot encode.
 */
export async function writeTar(entries: Iterable<Entry>, mtimeSeconds: number): Promise<Uint8Array> {
  const mtime = new Date(mtimeSeconds * 1000);
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const finished = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const entry of linksAfterTargets(entries)) {
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (entry.kind === 'file') archive.entry(tarHeader(entry, mtime), entry.data, done);
      else archive.entry(tarHeader(entry, mtime), done);
    });
  }
  archive.finalize();
  await finished;
  return Buffer.concat(chunks);
}
