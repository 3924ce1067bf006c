/**
 * The spec's `control:` section as the init reads it: user and group names
 * resolved to ids against the image's own /etc/passwd and /etc/group, since the
 * init has no NSS. Pure.
 */
import type { ControlAccessConfig, ControlGrant } from '../../../contract/index.ts';
import type { ControlSpec } from '../spec/control-schema.ts';
import type { UnlocatedProblem } from '../spec/problem.ts';
import type { UserDatabase } from './users.ts';

type GrantSpec = NonNullable<ControlSpec['read']>;

function resolveGrant(grant: GrantSpec | undefined, level: 'read' | 'admin', users: UserDatabase, problems: UnlocatedProblem[]): ControlGrant {
  const ids = <T>(names: T[] | undefined, field: 'users' | 'groups', lookUp: (name: T) => number): number[] =>
    (names ?? []).flatMap((name, i) => {
      try {
        return [lookUp(name)];
      } catch (error) {
        problems.push({ path: ['control', level, field, i], message: (error as Error).message });
        return [];
      }
    });
  return {
    uids: ids(grant?.users, 'users', (user) => (typeof user === 'number' ? user : users.resolve(user).uid)),
    gids: ids(grant?.groups, 'groups', (group) => users.groupId(group)),
  };
}

/**
 * The init config's `control`, or undefined without a section (root only).
 * Unknown names are pushed to `problems` at their place in the spec.
 */
export function buildControlAccess(control: ControlSpec | undefined, users: UserDatabase, problems: UnlocatedProblem[]): ControlAccessConfig | undefined {
  if (!control) return undefined;
  return { read: resolveGrant(control.read, 'read', users, problems), admin: resolveGrant(control.admin, 'admin', users, problems) };
}
