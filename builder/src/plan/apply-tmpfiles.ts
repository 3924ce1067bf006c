/**
 * Carries out the tmpfiles.d lines of an image: the packages' own files
 * (/usr/lib/tmpfiles.d, /etc/tmpfiles.d overriding by name) and the rows of
 * postinst-table.ts for the packages the image has. Pure, on the planned tree.
 *
 *   const { runtimeEntries, notes } = applyTmpfiles(tree, new UserDatabase(tree));
 *
 * Paths under /run and /tmp are tmpfs at run time, so they become
 * `runtimeEntries` for init.json and the init creates them after mounting.
 * Everything else (/var, which the init copies into its tmpfs, and /etc)
 * is written into the tree now. /proc, /sys and /dev are the kernel's.
 * An owner the image does not know (its user is created by a maintainer
 * script) leaves the entry to root and says so in `notes`.
 */
import type { RuntimeEntry } from '../../../contract/index.ts';
import { bytes, normalisePath, type Tree } from '../tree/tree.ts';
import { postinstTable } from './postinst-table.ts';
import { parseTmpfiles, type TmpfilesEntry } from './tmpfiles.ts';
import type { UserDatabase } from './users.ts';

const configDirs = ['usr/lib/tmpfiles.d', 'lib/tmpfiles.d', 'etc/tmpfiles.d'];
const runtimeRoots = ['run', 'tmp'];
const kernelRoots = ['proc', 'sys', 'dev'];

export interface AppliedTmpfiles {
  runtimeEntries: RuntimeEntry[];
  /** Lines left out and owners not found, one sentence each, for the build's warnings. */
  notes: string[];
}

/** The configuration files by name, a later folder replacing an earlier one's file of the same name. */
function configFiles(tree: Tree): { name: string; text: string }[] {
  const byName = new Map<string, { path: string; text: string }>();
  for (const entry of tree.entries()) {
    const dir = configDirs.find((d) => entry.path.startsWith(`${d}/`) && !entry.path.slice(d.length + 1).includes('/'));
    if (!dir || !entry.path.endsWith('.conf')) continue;
    const file = tree.resolveHardlink(entry);
    if (!file) continue;
    const name = entry.path.slice(dir.length + 1);
    const previous = byName.get(name);
    if (!previous || configDirs.indexOf(dir) >= configDirs.indexOf(previous.path.split('/').slice(0, -1).join('/'))) byName.set(name, { path: entry.path, text: new TextDecoder().decode(file.data) });
  }
  return [...byName.keys()].sort().map((name) => ({ name: `/${byName.get(name)!.path}`, text: byName.get(name)!.text }));
}

/** Every entry to carry out, packages' files first, then the table's rows for packages present. */
function collectEntries(tree: Tree, notes: string[]): TmpfilesEntry[] {
  const entries: TmpfilesEntry[] = [];
  const add = (text: string, file: string) => {
    const parsed = parseTmpfiles(text, file);
    entries.push(...parsed.entries);
    for (const line of parsed.skipped) notes.push(`${line.source}: "${line.text}" left out: ${line.reason}`);
  };
  for (const file of configFiles(tree)) add(file.text, file.name);
  for (const row of postinstTable) if (tree.has(row.when)) add(row.lines.join('\n'), `imago's ${row.package} row`);
  return entries;
}

/** uid and gid of an entry's owner; root for `-`, and root with a note for one the image does not have. */
function owner(entry: TmpfilesEntry, users: UserDatabase, notes: string[]): { uid?: number; gid?: number } {
  if (entry.user === undefined && entry.group === undefined) return {};
  try {
    const user = users.resolve(entry.user ?? '0');
    const group = entry.group === undefined ? undefined : users.resolve(`0:${entry.group}`).gid;
    return { ...(entry.user !== undefined && { uid: user.uid }), gid: group ?? (entry.user !== undefined ? user.gid : undefined) };
  } catch (error) {
    notes.push(`${entry.source}: ${entry.path} is left to root: ${error instanceof Error ? error.message : String(error)}`);
    return {};
  }
}

const defaultMode = (type: string) => (type === 'd' || type === 'D' ? 0o755 : 0o644);

function runtimeEntry(entry: TmpfilesEntry, ids: { uid?: number; gid?: number }): RuntimeEntry | undefined {
  const base = { path: entry.path, mode: entry.mode ?? defaultMode(entry.type), uid: ids.uid ?? 0, gid: ids.gid ?? 0 };
  if (entry.type === 'd' || entry.type === 'D') return { ...base, kind: 'directory' };
  if (entry.type === 'f' || entry.type === 'F') return { ...base, kind: 'file', ...(entry.argument !== undefined && { contents: entry.argument }) };
  if (entry.type === 'L' && entry.argument !== undefined) return { ...base, mode: 0o777, kind: 'symlink', target: entry.argument };
  return undefined;
}

/** Carries out one entry in the tree; returns why not when it cannot. */
function applyToTree(tree: Tree, entry: TmpfilesEntry, ids: { uid?: number; gid?: number }): string | undefined {
  const existing = tree.get(entry.path);
  const meta = (fallbackMode: number) => ({ mode: entry.mode ?? existing?.mode ?? fallbackMode, uid: ids.uid ?? existing?.uid ?? 0, gid: ids.gid ?? existing?.gid ?? 0 });
  switch (entry.type) {
    case 'd':
    case 'D':
      if (existing && existing.kind !== 'dir') return `it is a ${existing.kind} in the image, not a folder`;
      tree.add({ path: entry.path, kind: 'dir', ...meta(0o755) });
      return undefined;
    case 'f':
    case 'F':
      if (existing && entry.type === 'f' && !entry.replace) return existing.kind === 'file' ? adjust(tree, entry, ids) : undefined;
      tree.add({ path: entry.path, kind: 'file', ...meta(0o644), data: bytes(entry.argument ?? '') });
      return undefined;
    case 'w': {
      const file = existing && tree.resolveHardlink(existing);
      if (!file) return undefined;
      tree.add({ ...file, path: entry.path, data: bytes(entry.argument ?? '') });
      return undefined;
    }
    case 'L':
      if (entry.argument === undefined) return 'a link without a target would point into /usr/share/factory, which images do not have';
      if (existing && !entry.replace) return undefined;
      tree.add({ path: entry.path, kind: 'symlink', mode: 0o777, target: entry.argument });
      return undefined;
    case 'C': {
      if (entry.argument === undefined) return 'copying from /usr/share/factory is not supported';
      if (existing && !entry.replace) return undefined;
      const from = tree.get(entry.argument);
      const file = from && tree.resolveHardlink(from);
      if (!file) return `${entry.argument} is not a file in the image`;
      tree.add({ path: entry.path, kind: 'file', ...meta(file.mode), data: file.data });
      return undefined;
    }
    case 'e':
    case 'z':
      return adjust(tree, entry, ids);
    case 'Z':
      for (const below of tree.entries()) if (below.path.startsWith(`${normalisePath(entry.path)}/`)) adjust(tree, { ...entry, path: `/${below.path}` }, ids);
      return adjust(tree, entry, ids);
  }
}

/** Sets the mode and owner an entry gives on what the image has there. */
function adjust(tree: Tree, entry: TmpfilesEntry, ids: { uid?: number; gid?: number }): undefined {
  const existing = tree.get(entry.path);
  if (!existing || existing.kind === 'symlink') return undefined;
  tree.add({ ...existing, mode: entry.mode ?? existing.mode, uid: ids.uid ?? existing.uid, gid: ids.gid ?? existing.gid });
  return undefined;
}

/** Applies every tmpfiles.d line of the image; see the module comment. */
export function applyTmpfiles(tree: Tree, users: UserDatabase): AppliedTmpfiles {
  const notes: string[] = [];
  const runtimeEntries: RuntimeEntry[] = [];
  for (const found of collectEntries(tree, notes)) {
    // Debian's /var/run and /var/lock are links into /run: the entry belongs to the tmpfs.
    const entry = { ...found, path: found.path.replace(/^\/var\/(run|lock)(?=\/|$)/, (_, dir: string) => (dir === 'run' ? '/run' : '/run/lock')) };
    const root = normalisePath(entry.path).split('/')[0]!;
    if (kernelRoots.includes(root)) {
      notes.push(`${entry.source}: ${entry.path} left out: /${root} belongs to the kernel`);
      continue;
    }
    const ids = owner(entry, users, notes);
    if (runtimeRoots.includes(root)) {
      const made = runtimeEntry(entry, ids);
      if (made) runtimeEntries.push(made);
      else notes.push(`${entry.source}: ${entry.path} left out: type ${entry.type} is only carried out in the image tree, and /${root} is a tmpfs at run time`);
      continue;
    }
    const why = applyToTree(tree, entry, ids);
    if (why) notes.push(`${entry.source}: ${entry.path} left out: ${why}`);
  }
  return { runtimeEntries, notes };
}
