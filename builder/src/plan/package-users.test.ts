import test from 'ava';
import { accountName } from '../spec/users-schema.ts';
import { allocateAccounts } from './allocate-accounts.ts';
import { baseAccounts } from './base-accounts.ts';
import { packageAccountRequests, packageUsers, packageUsersRows } from './package-users.ts';

const base = baseAccounts();

for (const row of packageUsers) {
  test(`package-users row ${row.package}: names parse and its users resolve`, (t) => {
    t.regex(row.package, /^[a-z0-9][a-z0-9+.-]+$/);
    for (const user of row.users ?? []) {
      t.true(accountName.safeParse(user.name).success, `${user.name} is an account name`);
      t.regex(user.home, /^\//);
    }
    for (const name of row.base ?? []) t.true(base.users.some((u) => u.name === name), `${name} is a base-passwd user`);
    t.true((row.users?.length ?? 0) + (row.base?.length ?? 0) > 0, 'the row declares or documents a user');
    const { users, problems } = allocateAccounts(base, packageAccountRequests([row.package]));
    t.deepEqual(problems, []);
    for (const user of row.users ?? []) t.true(users.some((u) => u.name === user.name));
  });
}

test('package-users: no user is declared by two rows', (t) => {
  const names = packageUsers.flatMap((row) => (row.users ?? []).map((u) => u.name));
  t.deepEqual(names, [...new Set(names)]);
});

test('package-users: a package that depends on a row\'s package (nginx on nginx-common) selects the row', (t) => {
  t.deepEqual(packageUsersRows(['nginx']).map((row) => row.package), ['nginx-common']);
  t.deepEqual(packageUsersRows(['curl']), []);
});

test('package-users: every row together allocates without problems', (t) => {
  t.deepEqual(allocateAccounts(base, packageAccountRequests(packageUsers.map((row) => row.package))).problems, []);
});
