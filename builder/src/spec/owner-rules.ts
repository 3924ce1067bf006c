/**
 * Users and groups a spec names (`files[].owner`, `onboot[].user`,
 * `services[].user` and `group`, `control.*.users` and `groups`) must exist in the image. The build resolves
 * them against the planned tree (plan/init-config.ts and plan/spec-files.ts);
 * `imago validate` runs the same resolution before anything is downloaded,
 * against what the image's /etc/passwd and /etc/group will be: base-passwd's
 * accounts, the package-users table's rows for the listed packages and the
 * spec's `users:` and `groups:` (plan/image-accounts.ts), or the spec's own
 * entry for the files. Users from packages' sysusers.d files need the
 * packages: the build finds those, and reports a name still unknown at its place.
 *
 *   ownerProblems(spec, imageAccounts(spec, sources))   // [{ path: ['services', 0, 'user'], message: 'unknown user "app": ...' }]
 */
import { packageNames } from './package-schema.ts';
import { renderGroup, renderPasswd } from '../plan/account-files.ts';
import { buildControlAccess } from '../plan/control-access.ts';
import { planAccounts } from '../plan/image-accounts.ts';
import { UserDatabase, type AccountFiles, type Credentials } from '../plan/users.ts';
import { normalisePath } from '../tree/tree.ts';
import type { UnlocatedProblem } from './problem.ts';
import type { OnbootSpec, ServiceSpec, Spec } from './schema.ts';

/**
 * The credentials a service or onboot task runs with, or the problem at the
 * field that names a missing account (`user` for the user, `group` for a
 * `group:` the image does not have).
 */
export function resolveProcessOwner(
  users: UserDatabase,
  item: OnbootSpec | ServiceSpec,
  path: readonly (string | number)[],
): { credentials: Credentials; problem?: undefined } | { credentials?: undefined; problem: UnlocatedProblem } {
  const group = 'group' in item && item.group !== undefined ? item.group : undefined;
  const owner = group !== undefined ? `${item.user ?? 'root'}:${group}` : item.user;
  try {
    return { credentials: users.resolve(owner) };
  } catch (error) {
    const message = (error as Error).message;
    const field = group !== undefined && message.startsWith('unknown group') ? 'group' : 'user';
    return { problem: { path: [...path, field], message } };
  }
}

/**
 * What /etc/passwd and /etc/group will hold: the spec's own entry for each (its
 * `contents`, or the bytes of its `source` from `sources`, by index into
 * `spec.files`) or the accounts the builder will write. Undefined when the spec's entry is
 * a source that could not be read: its own problem is reported already.
 */
export function imageAccounts(spec: Spec, sources: ReadonlyMap<number, string>): AccountFiles | undefined {
  const text = (path: string, base: string): string | undefined => {
    const files = spec.files ?? [];
    // The last entry for a path wins, as in the tree.
    for (let i = files.length - 1; i >= 0; i--) {
      const file = files[i]!;
      if (normalisePath(file.path) !== normalisePath(path)) continue;
      if (file.contents !== undefined) return file.contents;
      if (file.source !== undefined) return sources.get(i);
      return base;
    }
    return base;
  };
  const { accounts } = planAccounts({ packages: packageNames(spec.packages), spec, packagesPath: ['packages'] });
  const passwd = text('/etc/passwd', renderPasswd(accounts.users));
  const group = text('/etc/group', renderGroup(accounts.groups));
  return passwd === undefined || group === undefined ? undefined : { passwd, group };
}

/** Every owner, user and group of the spec that the image's accounts do not have. */
export function ownerProblems(spec: Spec, accounts: AccountFiles): UnlocatedProblem[] {
  const users = new UserDatabase(accounts);
  const problems: UnlocatedProblem[] = [];
  (spec.files ?? []).forEach((file, i) => {
    try {
      users.resolve(file.owner);
    } catch (error) {
      problems.push({ path: ['files', i, 'owner'], message: (error as Error).message });
    }
  });
  (spec.onboot ?? []).forEach((task, i) => {
    const { problem } = resolveProcessOwner(users, task, ['onboot', i]);
    if (problem) problems.push(problem);
  });
  (spec.services ?? []).forEach((service, i) => {
    // A container service runs as its image's user; container-rules.ts refuses user: on it.
    if (service.image !== undefined) return;
    const { problem } = resolveProcessOwner(users, service, ['services', i]);
    if (problem) problems.push(problem);
  });
  // The control section's names resolve the same way the build resolves them for the init.
  buildControlAccess(spec.control, users, problems);
  return problems;
}

/**
 * Whether an unknown account may still come from a listed package's
 * sysusers.d file, which validate cannot read without downloading: then it
 * is a warning, and the build, which reads the files, fails on it at its place
 * if it is still unknown. A spec's own /etc/passwd or /etc/group wins over
 * the packages', so with one the problem stays an error.
 */
export function mayComeFromPackages(spec: Spec, problem: UnlocatedProblem): boolean {
  if ((spec.packages ?? []).length === 0 || !/^unknown (user|group) /.test(problem.message)) return false;
  const own = (path: string) => (spec.files ?? []).some((file) => normalisePath(file.path) === normalisePath(path));
  return !own(problem.message.startsWith('unknown user') ? '/etc/passwd' : '/etc/group');
}

/** The warning for such an account: what was checked, and what the build will check. */
export function packageAccountWarning(problem: UnlocatedProblem): UnlocatedProblem {
  return { ...problem, message: `${problem.message.replace(/ \(known: [^)]*\)$/, '')}; a listed package's sysusers.d file may declare it (the build checks), otherwise add it under users: or groups:` };
}
