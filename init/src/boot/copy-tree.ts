/**
 * Copies a folder tree through Sys, keeping each entry's kind, mode and owner,
 * so the image's /var can be laid into the tmpfs that replaces it at boot.
 *
 *   copyTree(sys, '/var', '/run/imago/var-seed', warn)
 *
 * Symlinks are copied as links (never followed) and keep root as owner: chown
 * follows links, and nothing in an image needs a link owned by another user.
 * Anything else (device nodes, fifos, sockets) is skipped with a warning: the
 * builder never puts one under /var.
 */
import { reasonOf, type Sys } from '../sys/sys.ts';

/** Copies `from` (a folder) into the existing folder `to`; each failure is reported and skipped. */
export function copyTree(sys: Sys, from: string, to: string, warn: (message: string) => void): void {
  for (const name of sys.listDir(from)) {
    const source = `${from}/${name}`;
    const target = `${to}/${name}`;
    try {
      copyEntry(sys, source, target, warn);
    } catch (error) {
      warn(`unable to copy ${source} to ${target}: ${reasonOf(error)}`);
    }
  }
}

function copyEntry(sys: Sys, source: string, target: string, warn: (message: string) => void): void {
  const info = sys.lstat(source);
  if (!info) return;
  if (info.kind === 'symlink') return sys.symlink(sys.readlink(source), target);
  if (info.kind === 'other') return warn(`skipped ${source}: only folders, files and symlinks are copied`);
  if (info.kind === 'directory') {
    sys.mkdirs(target, 0o700);
    copyTree(sys, source, target, warn);
  } else {
    const fd = sys.create(target, 0o600);
    try {
      sys.write(fd, sys.readBytes(source) ?? new Uint8Array(), target);
    } finally {
      sys.close(fd);
    }
  }
  // Owner before mode: chown clears setuid and setgid bits.
  sys.chown(target, info.uid, info.gid);
  sys.chmod(target, info.mode);
}
