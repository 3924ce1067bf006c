/**
 * Parses systemd's sysusers.d files (/usr/lib/sysusers.d/*.conf), the way
 * Debian packages such as systemd, dbus or polkitd declare the system users
 * they need. Pure; the accounts are created by allocate-accounts.ts.
 *
 *   parseSysusers('u sshd - "sshd user" /run/sshd', 'sshd.conf')
 *   // { requests: [{ kind: 'user', name: 'sshd', gecos: 'sshd user', home: '/run/sshd', source: 'sshd.conf:1' }], problems: [] }
 *
 * Supported lines: `u` (and `u!`), `g`, `m` and `r`. An id that is a path
 * ("take the owner of this file") is treated as "any id": the image is built
 * from a tree that has no such owners yet.
 */

/** A user, group or membership one line asks for; `source` is `file:line`. `regular` (spec only) takes ids from 1000; `spec` marks the spec's own, which win over a package's. */
export type AccountRequest =
  | { kind: 'user'; name: string; uid?: number; gid?: number; group?: string; gecos?: string; home?: string; shell?: string; regular?: boolean; spec?: boolean; source: string }
  | { kind: 'group'; name: string; gid?: number; regular?: boolean; spec?: boolean; source: string }
  | { kind: 'member'; user: string; group: string; source: string }
  | { kind: 'range'; from: number; to: number; source: string };

export interface SysusersResult {
  requests: AccountRequest[];
  /** `file:line: problem` for each line that could not be read. */
  problems: string[];
}

/** Splits a line into fields; double or single quotes group words, as in systemd. */
function splitFields(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

const unset = (field: string | undefined): string | undefined => (field === undefined || field === '-' || field === '' ? undefined : field);
const number = (text: string): number | undefined => (/^\d+$/.test(text) ? Number(text) : undefined);

/** Parses one file's text. `file` names it in sources and problems. */
export function parseSysusers(text: string, file: string): SysusersResult {
  const requests: AccountRequest[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const source = `${file}:${index + 1}`;
    const [type, name, id, gecos, home, shell] = splitFields(line);
    const problem = (what: string) => problems.push(`${source}: ${what}, in "${line}"`);
    if (!type || !name) return problem('expected a type and a name');
    switch (type) {
      case 'u':
      case 'u!': {
        const request: AccountRequest & { kind: 'user' } = { kind: 'user', name, source };
        const idText = unset(id);
        if (idText !== undefined && !idText.startsWith('/')) {
          const [uidText = '', groupText] = idText.split(':');
          const uid = number(uidText);
          if (uid === undefined) return problem(`expected a uid, "uid:gid", "uid:group" or "-", got "${idText}"`);
          request.uid = uid;
          if (groupText !== undefined) {
            const gid = number(groupText);
            if (gid !== undefined) request.gid = gid;
            else request.group = groupText;
          }
        }
        if (unset(gecos) !== undefined) request.gecos = gecos;
        if (unset(home) !== undefined) request.home = home;
        if (unset(shell) !== undefined) request.shell = shell;
        requests.push(request);
        return;
      }
      case 'g': {
        const idText = unset(id);
        const gid = idText === undefined || idText.startsWith('/') ? undefined : number(idText);
        if (idText !== undefined && !idText.startsWith('/') && gid === undefined) return problem(`expected a gid or "-", got "${idText}"`);
        requests.push(gid === undefined ? { kind: 'group', name, source } : { kind: 'group', name, gid, source });
        return;
      }
      case 'm':
        if (!unset(id)) return problem('expected "m user group"');
        requests.push({ kind: 'member', user: name, group: id!, source });
        return;
      case 'r': {
        const [from, to = from] = (unset(id) ?? '').split('-').map(number);
        if (from === undefined || to === undefined) return problem(`expected a range such as "100-999", got "${id ?? ''}"`);
        requests.push({ kind: 'range', from, to, source });
        return;
      }
      default:
        return problem(`unknown line type "${type}", expected u, g, m or r`);
    }
  });
  return { requests, problems };
}
