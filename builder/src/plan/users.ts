/**
 * Resolves `user`, `user:group` and `uid:gid` against the image's own
 * /etc/passwd and /etc/group, so the init runs services with numeric ids and
 * needs no NSS at run time.
 */
import type { Tree } from '../tree/tree.ts';

export interface Credentials {
  uid: number;
  gid: number;
  /** Supplementary groups from /etc/group membership. */
  groups: number[];
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** The text of /etc/passwd and /etc/group, for checking a spec before its tree exists (see spec/owner-rules.ts). */
export interface AccountFiles {
  passwd: string;
  group: string;
}

function treeText(tree: Tree, path: string): string {
  const entry = tree.get(path);
  const file = entry && tree.resolveHardlink(entry);
  return file ? new TextDecoder().decode(file.data) : '';
}

function readLines(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split(':'));
}

export class UserDatabase {
  private readonly users: PasswdEntry[];
  private readonly groups: GroupEntry[];

  /** Reads the accounts of a planned tree, or the given file texts. */
  constructor(source: Tree | AccountFiles) {
    const files = 'passwd' in source ? source : { passwd: treeText(source, '/etc/passwd'), group: treeText(source, '/etc/group') };
    this.users = readLines(files.passwd).map(([name = '', , uid = '', gid = '', , home = '/']) => ({ name, uid: Number(uid), gid: Number(gid), home }));
    this.groups = readLines(files.group).map(([name = '', , gid = '', members = '']) => ({ name, gid: Number(gid), members: members.split(',').filter(Boolean) }));
  }

  /** The gid of a group name, or the number itself for a numeric gid. Throws an Error naming the unknown group. */
  groupId(group: string | number): number {
    if (typeof group === 'number') return group;
    const entry = this.groups.find((g) => g.name === group);
    if (!entry) throw new Error(`unknown group "${group}": not in the image's /etc/group (known: ${this.groups.map((g) => g.name).join(', ')})`);
    return entry.gid;
  }

  /**
   * Resolves an owner string. Throws an Error whose message says what was not
   * found and where it was looked for.
   */
  resolve(owner: string | undefined): Credentials {
    if (owner === undefined) return { uid: 0, gid: 0, groups: [], home: '/root' };
    const [userPart = '', groupPart] = owner.split(':');
    const numeric = /^\d+$/.test(userPart);
    const user = numeric ? this.users.find((u) => u.uid === Number(userPart)) : this.users.find((u) => u.name === userPart);
    if (!user && !numeric) throw new Error(`unknown user "${userPart}": not in the image's /etc/passwd (known: ${this.users.map((u) => u.name).join(', ')})`);
    const uid = user?.uid ?? Number(userPart);
    let gid = user?.gid ?? uid;
    if (groupPart !== undefined) {
      if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
      else {
        const group = this.groups.find((g) => g.name === groupPart);
        if (!group) throw new Error(`unknown group "${groupPart}": not in the image's /etc/group`);
        gid = group.gid;
      }
    }
    const groups = user ? this.groups.filter((g) => g.members.includes(user.name) && g.gid !== gid).map((g) => g.gid) : [];
    return { uid, gid, groups, home: user?.home ?? '/' };
  }
}
