import test from 'ava';
import { renderGroup, renderPasswd } from './account-files.ts';
import { allocateAccounts } from './allocate-accounts.ts';
import { baseAccounts } from './base-accounts.ts';
import type { AccountRequest } from './sysusers.ts';

const user = (name: string, extra: Partial<AccountRequest & { kind: 'user' }> = {}): AccountRequest => ({ kind: 'user', name, source: `test ${name}`, ...extra });

test('dynamic ids are the lowest free in 100-999, the user\'s own group with the same number when free', (t) => {
  const { users, groups, problems } = allocateAccounts(baseAccounts(), [user('mosquitto')]);
  t.deepEqual(problems, []);
  // gid 100 is base-passwd's "users": 100 is skipped so the user and its own group share 101.
  t.like(users.find((u) => u.name === 'mosquitto'), { uid: 101, gid: 101 });
  t.like(groups.find((g) => g.name === 'mosquitto'), { gid: 101 });
});

test('allocated ids do not depend on the order of requests', (t) => {
  const requests = [user('zeta'), user('alpha'), user('mid', { group: 'nogroup' }), { kind: 'group', name: 'extra', source: 'g' } as AccountRequest];
  const render = (list: AccountRequest[]) => {
    const result = allocateAccounts(baseAccounts(), list);
    return renderPasswd(result.users) + renderGroup(result.groups);
  };
  t.is(render(requests), render([...requests].reverse()));
  t.is(render(requests), render([requests[2]!, requests[0]!, requests[3]!, requests[1]!]));
});

test('base accounts win over a request of the same name', (t) => {
  const { users } = allocateAccounts(baseAccounts(), [user('www-data', { home: '/srv' })]);
  t.like(users.filter((u) => u.name === 'www-data'), [{ uid: 33, home: '/var/www' }]);
});

test('a fixed uid already taken is a problem naming both accounts', (t) => {
  const { problems } = allocateAccounts(baseAccounts(), [user('app', { uid: 33 })]);
  t.deepEqual(problems, ['test app: user "app" wants uid 33, already taken by user "www-data"']);
});

test('a fixed id is kept free from dynamic ones', (t) => {
  const { users } = allocateAccounts(baseAccounts(), [user('aaa'), user('zzz', { uid: 101, gid: 65534 })]);
  t.like(users.find((u) => u.name === 'zzz'), { uid: 101 });
  t.not(users.find((u) => u.name === 'aaa')?.uid, 101);
});

test('a user naming an undeclared group is a problem', (t) => {
  const { problems } = allocateAccounts(baseAccounts(), [user('app', { group: 'nosuch' })]);
  t.regex(problems[0]!, /user "app" names group "nosuch", which no base account, package or spec declares/);
});

test('memberships add the user to the group, creating it if needed', (t) => {
  const { groups } = allocateAccounts(baseAccounts(), [user('app'), { kind: 'member', user: 'app', group: 'audio', source: 'm' }, { kind: 'member', user: 'app', group: 'gpio', source: 'm' }]);
  t.deepEqual(groups.find((g) => g.name === 'audio')?.members, ['app']);
  t.deepEqual(groups.find((g) => g.name === 'gpio')?.members, ['app']);
});
