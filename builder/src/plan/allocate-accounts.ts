/**
 * Turns account requests (from sysusers.d files, the package table and the
 * spec) into users and groups added to the base accounts, with ids that are
 * stable and reproducible: requests are sorted by name before any id is
 * given, so the order packages are unpacked in changes nothing, and each
 * account without a fixed id takes the lowest free one in 100-999, the range
 * Debian's adduser uses for system accounts. Pure.
 *
 *   allocateAccounts(baseAccounts(), [{ kind: 'user', name: 'mosquitto', source: 'package mosquitto' }])
 *   // mosquitto:x:100:101:... (group 100 is base-passwd's "users")
 */
import type { GroupAccount, UserAccount } from './account-files.ts';
import type { AccountRequest } from './sysusers.ts';

export interface Accounts {
  users: UserAccount[];
  groups: GroupAccount[];
}

export interface AllocatedAccounts extends Accounts {
  /** `source: problem` for requests that cannot be met (an id already taken, a missing group). */
  problems: string[];
}

/** Debian's range for dynamically allocated system ids (adduser.conf FIRST_SYSTEM_UID..LAST_SYSTEM_UID). */
export const systemIdRange = { first: 100, last: 999 } as const;
/** Debian's range for regular accounts (FIRST_UID..LAST_UID). */
export const regularIdRange = { first: 1000, last: 59999 } as const;

type UserRequest = Extract<AccountRequest, { kind: 'user' }>;
type GroupRequest = Extract<AccountRequest, { kind: 'group' }>;

const byName = <T extends { name: string; source: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.source < b.source ? -1 : a.source > b.source ? 1 : 0);

/**
 * One request of each name, independent of input order: the spec's own
 * (what the user wrote wins over a package's guess), else one with a fixed id.
 */
function firstOfEach<T extends { name: string; source: string; spec?: boolean }>(requests: T[], fixed: (r: T) => boolean): T[] {
  const chosen = new Map<string, T>();
  const rank = (r: T) => (r.spec ? 2 : fixed(r) ? 1 : 0);
  for (const request of [...requests].sort(byName)) {
    const current = chosen.get(request.name);
    if (!current || rank(request) > rank(current)) chosen.set(request.name, request);
  }
  return [...chosen.values()];
}

function lowestFree(taken: Set<number>, regular = false): number | undefined {
  const range = regular ? regularIdRange : systemIdRange;
  for (let id = range.first; id <= range.last; id++) if (!taken.has(id)) return id;
  return undefined;
}

/**
 * The base accounts plus every requested one. Base accounts win over requests
 * of the same name (a package asking for www-data gets base-passwd's).
 */
export function allocateAccounts(base: Accounts, requests: readonly AccountRequest[]): AllocatedAccounts {
  const users = base.users.map((u) => ({ ...u }));
  const groups = base.groups.map((g) => ({ ...g, members: [...g.members] }));
  const problems: string[] = [];
  const uids = new Set(users.map((u) => u.uid));
  const gids = new Set(groups.map((g) => g.gid));
  const groupNamed = (name: string) => groups.find((g) => g.name === name);

  const addGroup = (name: string, source: string, wanted?: number, regular = false): GroupAccount | undefined => {
    const existing = groupNamed(name);
    if (existing) return existing;
    let gid = wanted;
    if (gid !== undefined && gids.has(gid)) {
      problems.push(`${source}: group "${name}" wants gid ${gid}, already taken by group "${groups.find((g) => g.gid === gid)?.name}"`);
      gid = undefined;
    }
    gid ??= lowestFree(gids, regular);
    if (gid === undefined) return void problems.push(`${source}: no free gid for group "${name}"`);
    const group = { name, gid, members: [] };
    groups.push(group);
    gids.add(gid);
    return group;
  };

  const groupRequests = firstOfEach(requests.filter((r): r is GroupRequest => r.kind === 'group'), (r) => r.gid !== undefined);
  const userRequests = firstOfEach(requests.filter((r): r is UserRequest => r.kind === 'user'), (r) => r.uid !== undefined);
  // Fixed ids first, so a dynamic id can never take one that a later request names.
  const fixedFirst = <T>(list: T[], fixed: (r: T) => boolean) => [...list.filter(fixed), ...list.filter((r) => !fixed(r))];
  for (const request of fixedFirst(groupRequests, (r) => r.gid !== undefined)) addGroup(request.name, request.source, request.gid, request.regular);

  for (const request of fixedFirst(userRequests, (r) => r.uid !== undefined)) {
    if (users.some((u) => u.name === request.name)) continue;
    let uid = request.uid;
    if (uid !== undefined && uids.has(uid)) {
      problems.push(`${request.source}: user "${request.name}" wants uid ${uid}, already taken by user "${users.find((u) => u.uid === uid)?.name}"`);
      uid = undefined;
    }
    // Like systemd-sysusers: the user's own group gets the uid's number when it is free.
    uid ??= lowestFree(new Set([...uids, ...(request.group === undefined && request.gid === undefined && !groupNamed(request.name) ? gids : [])]), request.regular);
    if (uid === undefined) {
      problems.push(`${request.source}: no free uid for user "${request.name}"`);
      continue;
    }
    let gid = request.gid;
    if (gid === undefined) {
      const groupName = request.group ?? request.name;
      if (request.group !== undefined && !groupNamed(groupName)) {
        problems.push(`${request.source}: user "${request.name}" names group "${groupName}", which no base account, package or spec declares`);
        continue;
      }
      gid = addGroup(groupName, request.source, gids.has(uid) ? undefined : uid, request.regular)?.gid;
      if (gid === undefined) continue;
    }
    users.push({ name: request.name, uid, gid, gecos: request.gecos ?? '', home: request.home ?? '/nonexistent', shell: request.shell ?? '/usr/sbin/nologin' });
    uids.add(uid);
  }

  const members = requests.filter((r): r is Extract<AccountRequest, { kind: 'member' }> => r.kind === 'member');
  members.sort((a, b) => (a.group + ':' + a.user < b.group + ':' + b.user ? -1 : 1));
  for (const request of members) {
    const group = groupNamed(request.group) ?? addGroup(request.group, request.source);
    if (group && !group.members.includes(request.user)) group.members.push(request.user);
  }
  for (const group of groups) group.members.sort();
  return { users, groups, problems };
}
