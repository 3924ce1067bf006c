/**
 * Checks of the spec's `users:` and `groups:` that need no download: a name
 * listed twice, a name base-passwd already has (the image would silently keep
 * base-passwd's account), and ids the allocator cannot give (an id a base or
 * package account already has).
 *
 *   accountRules({ users: [{ name: 'www-data', system: true }] })   // users[0].name: "www-data" is a base account ...
 */
import { packageNames } from './package-schema.ts';
import { baseAccounts } from '../plan/base-accounts.ts';
import { planAccounts } from '../plan/image-accounts.ts';
import type { UnlocatedProblem } from './problem.ts';
import type { Spec } from './schema.ts';

function duplicates(list: 'users' | 'groups', names: string[]): UnlocatedProblem[] {
  const first = new Map<string, number>();
  return names.flatMap((name, i): UnlocatedProblem[] => {
    const earlier = first.get(name);
    if (earlier === undefined) return void first.set(name, i), [];
    return [{ path: [list, i, 'name'], message: `duplicate ${list === 'users' ? 'user' : 'group'} "${name}", already declared by ${list}[${earlier}]` }];
  });
}

/** Every problem of the spec's account sections, located at the entry or field. */
export function accountRules(spec: Spec): UnlocatedProblem[] {
  const users = spec.users ?? [];
  const groups = spec.groups ?? [];
  if (users.length === 0 && groups.length === 0) return [];
  const base = baseAccounts();
  const baseUsers = new Set(base.users.map((u) => u.name));
  const baseGroups = new Set(base.groups.map((g) => g.name));
  const clashes = [
    ...users.flatMap((user, i): UnlocatedProblem[] =>
      baseUsers.has(user.name) || baseGroups.has(user.name)
        ? [{ path: ['users', i, 'name'], message: `"${user.name}" is a base account (from base-passwd) that every image has; use it as it is, or pick another name` }]
        : [],
    ),
    ...groups.flatMap((group, i): UnlocatedProblem[] =>
      baseGroups.has(group.name) ? [{ path: ['groups', i, 'name'], message: `"${group.name}" is a base group (from base-passwd) that every image has; add users to it with users[].groups instead` }] : [],
    ),
  ];
  const allocation = planAccounts({ packages: packageNames(spec.packages), spec, packagesPath: ['packages'] }).problems.filter((p) => p.path[0] === 'users' || p.path[0] === 'groups');
  return [...duplicates('users', users.map((u) => u.name)), ...duplicates('groups', groups.map((g) => g.name)), ...clashes, ...allocation];
}
