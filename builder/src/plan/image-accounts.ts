/**
 * The accounts of an image or container: base-passwd's fixed ones, then the
 * users the packages declare (their sysusers.d files, and the package-users
 * table for those that create users only in maintainer scripts), then the
 * spec's `users:` and `groups:`. Pure: the tree and the master files arrive
 * as arguments.
 *
 *   const { accounts, problems } = planAccounts({ tree, master, packages: ['mosquitto'], spec });
 *   addAccountFiles(tree, accounts);   // /etc/passwd, /etc/group, /etc/shadow
 */
import type { UnlocatedProblem } from '../spec/problem.ts';
import type { GroupSpec, UserSpec } from '../spec/users-schema.ts';
import { bytes, type Tree } from '../tree/tree.ts';
import { renderGroup, renderPasswd, renderShadow } from './account-files.ts';
import { allocateAccounts, type Accounts } from './allocate-accounts.ts';
import { baseAccounts, type MasterFiles } from './base-accounts.ts';
import { packageAccountRequests } from './package-users.ts';
import { parseSysusers, type AccountRequest } from './sysusers.ts';

/** The spec's sections that declare accounts. */
export interface AccountSpec {
  users?: UserSpec[];
  groups?: GroupSpec[];
}

/** What the spec's `users:` and `groups:` ask for; sources are their spec paths. */
export function specAccountRequests(spec: AccountSpec): AccountRequest[] {
  const declared = new Set((spec.groups ?? []).map((group) => group.name));
  const groups = (spec.groups ?? []).flatMap((group, i): AccountRequest[] => [
    { kind: 'group', name: group.name, ...(group.gid !== undefined ? { gid: group.gid } : {}), regular: !group.system, spec: true, source: `groups[${i}]` },
    ...(group.members ?? []).map((user): AccountRequest => ({ kind: 'member', user, group: group.name, source: `groups[${i}].members` })),
  ]);
  const users = (spec.users ?? []).flatMap((user, i): AccountRequest[] => {
    const source = `users[${i}]`;
    // The user's own group; a `gid:` names its id unless groups: declares that group itself.
    const ownGroup: AccountRequest[] = user.gid !== undefined && !declared.has(user.name) ? [{ kind: 'group', name: user.name, gid: user.gid, regular: !user.system, spec: true, source }] : [];
    return [
      ...ownGroup,
      {
        kind: 'user', name: user.name, ...(user.uid !== undefined ? { uid: user.uid } : {}), ...(user.gid !== undefined ? { group: user.name } : {}),
        home: user.home ?? '/nonexistent', shell: user.shell ?? '/usr/sbin/nologin', gecos: '', regular: !user.system, spec: true, source,
      },
      ...(user.groups ?? []).map((group): AccountRequest => ({ kind: 'member', user: user.name, group, source: `${source}.groups` })),
    ];
  });
  return [...groups, ...users];
}

/** sysusers.d files of the tree, /etc's overriding /usr/lib's of the same name as systemd-sysusers does, in name order. */
export function sysusersRequests(tree: Tree): { requests: AccountRequest[]; problems: string[] } {
  const files = new Map<string, string>();
  for (const dir of ['usr/lib/sysusers.d/', 'etc/sysusers.d/']) {
    for (const entry of tree.entries()) {
      if (!entry.path.startsWith(dir) || !entry.path.endsWith('.conf') || entry.path.slice(dir.length).includes('/')) continue;
      files.set(entry.path.slice(dir.length), entry.path);
    }
  }
  const requests: AccountRequest[] = [];
  const problems: string[] = [];
  for (const name of [...files.keys()].sort()) {
    const path = files.get(name)!;
    const file = tree.resolveHardlink(tree.get(path)!);
    if (!file) continue; // A symlink to /dev/null masks a file; other links are not followed.
    const result = parseSysusers(new TextDecoder().decode(file.data), `/${path}`);
    requests.push(...result.requests);
    problems.push(...result.problems);
  }
  return { requests, problems };
}

export interface AccountInputs {
  /** Unpacked packages; their sysusers.d files are read. Without it (validate) only the table is used. */
  tree?: Tree;
  /** base-passwd's master files; the built-in copy when absent. */
  master?: MasterFiles;
  /** Names of the packages in the image, for the package-users table. */
  packages: readonly string[];
  spec: AccountSpec;
  /** Where package problems are reported, e.g. ['packages'] or ['containers', 0, 'packages']. */
  packagesPath: (string | number)[];
}

/** Every account, with problems located at the spec entry or the packages field that asked for it. */
export function planAccounts(inputs: AccountInputs): { accounts: Accounts; problems: UnlocatedProblem[] } {
  const sysusers = inputs.tree ? sysusersRequests(inputs.tree) : { requests: [], problems: [] };
  const requests = [...sysusers.requests, ...packageAccountRequests(inputs.packages), ...specAccountRequests(inputs.spec)];
  const { users, groups, problems } = allocateAccounts(baseAccounts(inputs.master), requests);
  const located = [...sysusers.problems, ...problems].map((message): UnlocatedProblem => {
    const spec = /^(users|groups)\[(\d+)\]/.exec(message);
    return spec ? { path: [spec[1]!, Number(spec[2])], message: message.replace(/^[^:]*: /, '') } : { path: inputs.packagesPath, message: `package accounts: ${message}` };
  });
  return { accounts: { users, groups }, problems: located };
}

/** Writes the accounts; a spec's own /etc/passwd or /etc/group (files:, added later) still wins. */
export function addAccountFiles(tree: Tree, accounts: Accounts): void {
  tree.add({ path: '/etc/passwd', kind: 'file', mode: 0o644, data: bytes(renderPasswd(accounts.users)) });
  tree.add({ path: '/etc/group', kind: 'file', mode: 0o644, data: bytes(renderGroup(accounts.groups)) });
  tree.add({ path: '/etc/shadow', kind: 'file', mode: 0o640, gid: 0, data: bytes(renderShadow(accounts.users)) });
}
