/**
 * Puts a planned tree on the host's disk and reads back what changed there,
 * so commands can run in the image's own root (see build/package-setup.ts).
 *
 *   const written = await writeTreeToDisk(tree, dir);
 *   ... run commands chrooted into dir ...
 *   await readTreeFromDisk(tree, dir, written);
 *
 * With `owners` (the build runs as root) owners are written and read as they
 * are. Without, every file on disk is the builder's, which a user namespace
 * shows as root: an entry keeps the owner the tree gave it and a new one is
 * root's. Device nodes and fifos are not written (a build needs no mknod) and
 * so are never taken as removed. Modification times are not kept: the archive
 * writer sets one time for every entry.
 */
import { chmod, lchown, link, lstat, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Entry, Tree } from '../tree/tree.ts';

/** Writes every folder, file, symlink and hardlink of `tree` under `dir`; returns the paths written. */
export async function writeTreeToDisk(tree: Tree, dir: string, { owners }: { owners: boolean }): Promise<Set<string>> {
  const written = new Set<string>();
  const folderModes: [string, number][] = [];
  const entries = tree.entries();
  // Hardlinks last: their targets must exist first, and sorting by path does not ensure it.
  for (const entry of [...entries.filter((e) => e.kind !== 'hardlink'), ...entries.filter((e) => e.kind === 'hardlink')]) {
    const at = join(dir, entry.path);
    if (entry.kind === 'dir') await mkdir(at, { mode: 0o700 });
    else if (entry.kind === 'file') await writeFile(at, entry.data, { mode: 0o600 });
    else if (entry.kind === 'symlink') await symlink(entry.target, at);
    else if (entry.kind === 'hardlink') await link(join(dir, entry.target), at);
    else continue;
    written.add(entry.path);
    if (entry.kind === 'hardlink') continue;
    if (owners) await lchown(at, entry.uid, entry.gid);
    // A folder's own mode comes last: a read-only folder would refuse its entries to a builder that is not root.
    if (entry.kind === 'dir') folderModes.push([at, entry.mode]);
    else if (entry.kind !== 'symlink') await chmod(at, entry.mode);
  }
  for (const [at, mode] of folderModes.reverse()) await chmod(at, mode);
  return written;
}

/** The entry the disk now has at `path` (relative to `dir`), or undefined for a kind the tree keeps elsewhere. */
async function entryOnDisk(dir: string, path: string): Promise<Entry | undefined> {
  const at = join(dir, path);
  const info = await lstat(at);
  const meta = { path, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
  if (info.isDirectory()) return { ...meta, kind: 'dir' };
  if (info.isFile()) return { ...meta, kind: 'file', data: new Uint8Array(await readFile(at)) };
  if (info.isSymbolicLink()) return { ...meta, mode: 0o777, kind: 'symlink', target: await readlink(at) };
  return undefined;
}

function sameEntry(tree: Tree, before: Entry, after: Entry): boolean {
  const resolved = before.kind === 'hardlink' ? tree.resolveHardlink(before) : before;
  if (!resolved || resolved.kind !== after.kind || resolved.mode !== after.mode || resolved.uid !== after.uid || resolved.gid !== after.gid) return false;
  if (after.kind === 'file') return Buffer.compare(Buffer.from((resolved as typeof after).data), Buffer.from(after.data)) === 0;
  if (after.kind === 'symlink') return (resolved as typeof after).target === after.target;
  return true;
}

/** Takes into `tree` every entry under `dir` that is new or changed, and drops written ones that are gone. */
export async function readTreeFromDisk(tree: Tree, dir: string, written: ReadonlySet<string>, { owners }: { owners: boolean }): Promise<void> {
  const seen = new Set<string>();
  const walk = async (relative: string): Promise<void> => {
    for (const name of (await readdir(join(dir, relative))).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      const onDisk = await entryOnDisk(dir, path);
      if (!onDisk) continue;
      seen.add(path);
      const before = tree.get(path);
      const owner = before?.kind === 'hardlink' ? tree.resolveHardlink(before) : before;
      const after = owners ? onDisk : { ...onDisk, uid: owner?.uid ?? 0, gid: owner?.gid ?? 0 };
      if (!before || !sameEntry(tree, before, after)) tree.add(after);
      if (after.kind === 'dir') await walk(path);
    }
  };
  await walk('');
  for (const path of written) if (!seen.has(path) && tree.has(path)) tree.remove(path);
}

/** Removes a tree written by writeTreeToDisk, even one whose read-only folders would refuse a builder that is not root. */
export async function removeTreeFromDisk(dir: string): Promise<void> {
  const folders = async (at: string): Promise<void> => {
    await chmod(at, 0o700);
    for (const entry of await readdir(at, { withFileTypes: true })) if (entry.isDirectory()) await folders(join(at, entry.name));
  };
  await folders(dir).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
