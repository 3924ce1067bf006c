/**
 * Creates the folders, files and links packages need in /run and /tmp (from
 * their tmpfiles.d and the builder's postinst table, resolved into init.json),
 * once those tmpfs areas are mounted: e.g. sshd's /run/sshd.
 *
 *   applyRuntimeEntries(sys, config.runtimeEntries ?? [], (message) => log.warn(message))
 */
import type { RuntimeEntry } from '../../../contract/index.ts';
import { reasonOf, type Sys } from '../sys/sys.ts';

/** Creates each entry in order; one that fails is reported and the others still made. */
export function applyRuntimeEntries(sys: Sys, entries: readonly RuntimeEntry[], warn: (message: string) => void): void {
  for (const entry of entries) {
    try {
      createEntry(sys, entry);
    } catch (error) {
      warn(`unable to create ${entry.path}: ${reasonOf(error)}`);
    }
  }
}

function createEntry(sys: Sys, entry: RuntimeEntry): void {
  // What is there already (a second boot stage, an earlier entry) is kept, as systemd-tmpfiles keeps it.
  const present = sys.lstat(entry.path) !== undefined;
  if (entry.kind === 'symlink') {
    if (!present) sys.symlink(entry.target ?? '', entry.path);
    return;
  }
  if (entry.kind === 'directory') sys.mkdirs(entry.path, entry.mode);
  else if (!present) {
    sys.mkdirs(entry.path.slice(0, entry.path.lastIndexOf('/')) || '/');
    sys.writeText(entry.path, entry.contents ?? '', entry.mode);
  }
  // Owner before mode: chown clears setuid and setgid bits.
  sys.chown(entry.path, entry.uid, entry.gid);
  sys.chmod(entry.path, entry.mode);
}
