/**
 * Which host paths would show a container the init's control socket
 * (/run/imago/control.sock). Pure.
 *
 *   exposesControlSocket('/run/imago/', new Map())                    // true
 *   exposesControlSocket('/srv/ctl', new Map([['/srv/ctl', '/run']])) // true: through the spec's symlink
 */
import { posix } from 'node:path';

/** The folder holding the socket; it, anything in it and every folder above it expose the socket. */
const controlDir = '/run/imago';

/** Debian's /var/run points at /run whenever a package brings it. */
const knownLinks: ReadonlyMap<string, string> = new Map([['/var/run', '/run']]);

/** Follows symlinks on the way down `path`, as the kernel would when runc opens the mount source. */
function resolveLinks(path: string, links: ReadonlyMap<string, string>): string {
  let current = posix.normalize(path);
  // A bound on hops, as the kernel's ELOOP: a cycle in a spec's symlinks ends here.
  for (let hop = 0; hop < 40; hop++) {
    const parts = current.split('/').filter(Boolean);
    let followed = false;
    for (let i = 1; i <= parts.length && !followed; i++) {
      const prefix = `/${parts.slice(0, i).join('/')}`;
      const target = links.get(prefix) ?? knownLinks.get(prefix);
      if (target === undefined) continue;
      const base = target.startsWith('/') ? target : posix.join(posix.dirname(prefix), target);
      current = posix.normalize(`${base}/${parts.slice(i).join('/')}`);
      followed = true;
    }
    if (!followed) break;
  }
  return current.length > 1 ? current.replace(/\/+$/, '') : current;
}

/**
 * Whether bind-mounting host `path` into a container would expose the control
 * socket: `/`, `/run`, `/run/imago` or anything below it, also through the
 * given symlinks (spec `files:` entries, path to target).
 */
export function exposesControlSocket(path: string, links: ReadonlyMap<string, string>): boolean {
  const resolved = resolveLinks(path, links);
  return resolved === controlDir || resolved.startsWith(`${controlDir}/`) || controlDir.startsWith(resolved === '/' ? '/' : `${resolved}/`);
}
