import test from 'ava';
import type { ControlAccessConfig } from '../../../contract/index.ts';
import { commandLevels, grantsOthers, mayConnect, mayRun, permissionDenied, type Peer } from './policy.ts';
import type { Command } from './protocol.ts';

const none = { uids: [], gids: [] };
const access: ControlAccessConfig = { read: { uids: [1000], gids: [50] }, admin: { uids: [2000], gids: [60] } };
const peer = (uid: number, gid = uid, groups: number[] = []): Peer => ({ uid, gid, groups });

// [case, access, command, peer, allowed]
const cases: [string, ControlAccessConfig | undefined, Command, Peer, boolean][] = [
  ['root without a control section may reboot', undefined, 'reboot', peer(0), true],
  ['root is never locked out by a section that names others', access, 'update-activate', peer(0), true],
  ['another user without a section may not even read', undefined, 'status', peer(1000), false],
  ['a read user may run status', access, 'status', peer(1000), true],
  ['a read user may run logs', access, 'logs', peer(1000), true],
  ['a read user may not stop a service', access, 'stop', peer(1000), false],
  ['a read user may not reboot', access, 'reboot', peer(1000), false],
  ['a read user may not arm an update slot', access, 'update-activate', peer(1000), false],
  ['a read group by primary gid may read', access, 'status', peer(1001, 50), true],
  ['a read group by supplementary gid may read', access, 'logs', peer(1001, 1001, [7, 50]), true],
  ['a read group member may not restart', access, 'restart', peer(1001, 1001, [50]), false],
  ['an admin user may reboot', access, 'reboot', peer(2000), true],
  ['admin includes read', access, 'status', peer(2000), true],
  ['an admin group by supplementary gid may poweroff', access, 'poweroff', peer(3000, 3000, [60]), true],
  ['a user in neither list is refused', access, 'status', peer(4000, 4000, [51]), false],
  ['root group (gid 0) alone grants nothing', { read: none, admin: none }, 'status', peer(5, 0, [0]), false],
];

for (const [name, config, command, who, allowed] of cases) {
  test(`policy: ${name}`, (t) => {
    t.is(mayRun(config, command, who), allowed);
  });
}

test('policy: only status and logs are read-only; every other command needs admin', (t) => {
  const readOnly = Object.entries(commandLevels).filter(([, level]) => level === 'read').map(([command]) => command);
  t.deepEqual(readOnly.sort(), ['logs', 'status']);
});

test('policy: the refusal names the uid and the command on one line', (t) => {
  t.is(permissionDenied('reboot', peer(1000)), "permission denied: uid 1000 may not run 'reboot'");
});

test('policy: the socket is opened to others only when someone besides root was granted something', (t) => {
  t.false(grantsOthers(undefined));
  t.false(grantsOthers({ read: none, admin: { uids: [0], gids: [] } }));
  t.true(grantsOthers({ read: { uids: [], gids: [4] }, admin: none }));
  t.true(grantsOthers({ read: none, admin: { uids: [1000], gids: [] } }));
});

test('policy: only a peer granted some command may stay connected', (t) => {
  t.true(mayConnect(undefined, peer(0)));
  t.false(mayConnect(undefined, peer(1000)));
  t.true(mayConnect(access, peer(1000)), 'read');
  t.true(mayConnect(access, peer(3000, 3000, [60])), 'admin by group');
  t.false(mayConnect(access, peer(4000, 4000, [51])));
});
