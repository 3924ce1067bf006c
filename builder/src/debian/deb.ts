/**
 * Reads .deb packages into the in-memory Tree without writing to the host's file
 * system, so file owners, setuid bits and device nodes survive without root.
 *
 *   const tree = new Tree();
 *   await unpackDeb('/cache/debs/busybox-static_1%3a1.35.0-4_amd64.deb', tree);
 *   const { name, version, architecture } = await readControl(path);
 */
import { spawn } from 'node:child_process';
import { extract, type Header } from 'tar-stream';
import { run } from '../io/exec.ts';
import type { EntryInput, Tree } from '../tree/tree.ts';
import { parseControlRecords } from './control-fields.ts';

/** The identifying fields of a package's control file, plus all fields by name. */
export interface DebControl {
  name: string;
  version: string;
  architecture: string;
  fields: Map<string, string>;
}

/**
 * Adds every entry of a package's data archive to `tree` (later entries replace
 * earlier ones at the same path) and returns how many were added. dpkg-deb decodes
 * the archive, so xz, zstd and gzip members all work. Throws naming the package.
 */
export async function unpackDeb(path: string, tree: Tree): Promise<number> {
  const child = spawn('dpkg-deb', ['--fsys-tarfile', path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const archive = extract();
  child.stdout.pipe(archive);
  let count = 0;
  try {
    for await (const entry of archive) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const input = toEntry(entry.header, Buffer.concat(chunks));
      if (input) {
        tree.add(input);
        count++;
      }
    }
    const code = await exited;
    if (code !== 0) throw new Error(`dpkg-deb exited with ${code}: ${stderr.trim()}`);
  } catch (error) {
    child.kill();
    throw new Error(`failed to unpack package ${path}`, { cause: error });
  }
  return count;
}

/** The tar header fields toEntry reads; only the name is required. */
export type TarHeader = Partial<Header> & Pick<Header, 'name'>;

/** Maps one tar header to a tree entry; the package's own `./` root is skipped. */
export function toEntry(header: TarHeader, data: Uint8Array): EntryInput | undefined {
  const path = header.name.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  if (path === '' || path === '.') return undefined;
  // Only permission, setuid/setgid and sticky bits: the kind carries the file type.
  const owner = { path, mode: (header.mode ?? 0o644) & 0o7777, uid: header.uid ?? 0, gid: header.gid ?? 0 };
  switch (header.type) {
    case 'file':
    case 'contiguous-file':
      return { ...owner, kind: 'file', data };
    case 'directory':
      return { ...owner, kind: 'dir' };
    case 'symlink':
      return { ...owner, kind: 'symlink', target: header.linkname ?? '' };
    case 'link':
      // dpkg writes hard link targets as archive paths (`./usr/bin/x`); Tree normalises them.
      return { ...owner, kind: 'hardlink', target: header.linkname ?? '' };
    case 'character-device':
      return { ...owner, kind: 'chardev', major: header.devmajor ?? 0, minor: header.devminor ?? 0 };
    case 'block-device':
      return { ...owner, kind: 'blockdev', major: header.devmajor ?? 0, minor: header.devminor ?? 0 };
    case 'fifo':
      return { ...owner, kind: 'fifo' };
    default:
      throw new Error(`unsupported tar entry type ${String(header.type)} for ${header.name}`);
  }
}

/** Reads a package's control fields with `dpkg-deb --field`; throws naming the file. */
export async function readControl(path: string): Promise<DebControl> {
  let fields: Map<string, string> | undefined;
  try {
    fields = parseControlRecords((await run('dpkg-deb', ['--field', path])).stdout.toString('utf8'))[0];
  } catch (error) {
    throw new Error(`failed to read the control file of ${path}`, { cause: error });
  }
  const name = fields?.get('Package');
  const version = fields?.get('Version');
  const architecture = fields?.get('Architecture');
  if (!fields || !name || !version || !architecture) throw new Error(`failed to read the control file of ${path}: Package, Version or Architecture missing`);
  return { name, version, architecture, fields };
}
