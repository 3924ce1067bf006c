/**
 * Accounts as records, and the /etc/passwd, /etc/group and /etc/shadow text
 * written from them. Pure.
 *
 *   renderPasswd([{ name: 'sshd', uid: 100, gid: 65534, gecos: '', home: '/run/sshd', shell: '/usr/sbin/nologin' }]);
 */

export interface UserAccount {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

export interface GroupAccount {
  name: string;
  gid: number;
  members: string[];
}

function fields(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}

/** Parses passwd(5) lines; the password field is ignored. */
export function parsePasswdLines(text: string): UserAccount[] {
  return fields(text).map(([name = '', , uid = '', gid = '', gecos = '', home = '/', shell = '/usr/sbin/nologin']) => ({ name, uid: Number(uid), gid: Number(gid), gecos, home, shell }));
}

/** Parses group(5) lines; the password field is ignored. */
export function parseGroupLines(text: string): GroupAccount[] {
  return fields(text).map(([name = '', , gid = '', members = '']) => ({ name, gid: Number(gid), members: members.split(',').filter(Boolean) }));
}

/** Passwords live in /etc/shadow ("x"), where every account is locked: images have no password logins. */
export function renderPasswd(users: readonly UserAccount[]): string {
  return users.map((u) => `${u.name}:x:${u.uid}:${u.gid}:${u.gecos}:${u.home}:${u.shell}\n`).join('');
}

export function renderGroup(groups: readonly GroupAccount[]): string {
  return groups.map((g) => `${g.name}:x:${g.gid}:${g.members.join(',')}\n`).join('');
}

/** `*` locks each account: no password can match it. Root keeps the last-change day 1 it always had. */
export function renderShadow(users: readonly UserAccount[]): string {
  return users.map((u) => `${u.name}:*:${u.name === 'root' ? 1 : 0}::::::\n`).join('');
}
