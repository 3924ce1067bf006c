/**
 * The real init's control socket against clients of other users: each request
 * is allowed or refused by the spec's `control:` policy, with the ids the
 * kernel gives for the connection. The tests run as root and start imagoctl
 * as other users with util-linux's setpriv.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { controlSocketReady } from './control-socket-ready.ts';
import { hostInit, startInit, type RunningInit } from './host-init.ts';

test.before(async (t) => {
  t.timeout(10 * 60_000);
  await hostInit();
});

async function withInit(spec: string, body: (init: RunningInit) => Promise<void>): Promise<void> {
  const init = await startInit(spec);
  try {
    // Other users must reach the binary and the socket: the temporary folders are 0700.
    chmodSync(init.dir, 0o755);
    chmodSync(dirname(await hostInit()), 0o755);
    await controlSocketReady(init);
    await body(init);
  } finally {
    await init.stop();
  }
}

/** Runs imagoctl as `uid`:`gid` with exactly the supplementary `groups`. */
async function ctlAs(init: RunningInit, ids: { uid: number; gid: number; groups?: number[] }, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const groups = ids.groups?.length ? [`--groups=${ids.groups.join(',')}`] : ['--clear-groups'];
  const imagoctl = join(dirname(await hostInit()), 'imagoctl');
  const result = spawnSync('setpriv', [`--reuid=${ids.uid}`, `--regid=${ids.gid}`, ...groups, imagoctl, '--socket', init.socket, ...args], { encoding: 'utf8', timeout: 10_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const nobody = { uid: 65534, gid: 65534 };
const spec = `control:
  read: { users: [nobody] }
  admin: { groups: [4001] }
services:
  - name: sleeper
    command: sleep 1000
`;

test.serial('a user granted read gets status, and is refused stop and reboot with one line each that the init logs', async (t) => {
  t.timeout(60_000);
  await withInit(spec, async (init) => {
    await init.waitForLog('init', /ready: 1 services started/);
    t.is(statSync(init.socket).mode & 0o777, 0o666, 'other users may connect: the policy decides');
    const status = await ctlAs(init, nobody, 'status');
    t.is(status.status, 0, status.stderr);
    t.regex(status.stdout, /sleeper\s+running/);

    const stop = await ctlAs(init, nobody, 'stop', 'sleeper');
    t.is(stop.status, 1);
    t.is(stop.stderr, "imagoctl: permission denied: uid 65534 may not run 'stop'\n");
    const reboot = await ctlAs(init, nobody, 'reboot');
    t.is(reboot.stderr, "imagoctl: permission denied: uid 65534 may not run 'reboot'\n");

    t.regex(init.ctl('status'), /sleeper\s+running/, 'the service was not stopped');
    t.is(init.process.exitCode, null, 'the init did not shut down');
    await init.waitForLog('init', /permission denied: uid 65534 may not run 'stop' \(pid \d+\)/);
    await init.waitForLog('init', /permission denied: uid 65534 may not run 'reboot' \(pid \d+\)/);
  });
});

test.serial('a user in no list is turned away at connect; a supplementary admin group may restart', async (t) => {
  t.timeout(60_000);
  await withInit(spec, async (init) => {
    await init.waitForLog('init', /ready: 1 services started/);
    const stranger = await ctlAs(init, { uid: 4000, gid: 4000 }, 'status');
    t.is(stranger.stderr, 'imagoctl: permission denied: uid 4000 may not use the control socket\n');
    await init.waitForLog('init', /permission denied: uid 4000 may not use the control socket \(pid \d+\)/);

    // Group 4001 is only a supplementary group here: SO_PEERCRED does not carry it, /proc does.
    const admin = await ctlAs(init, { uid: 4000, gid: 4000, groups: [4001] }, 'restart', 'sleeper');
    t.is(admin.status, 0, admin.stderr);
    t.is(admin.stdout, 'sleeper: restart done\n');
    const reads = await ctlAs(init, { uid: 4000, gid: 4000, groups: [4001] }, 'logs', 'init', '-n', '5');
    t.is(reads.status, 0, 'admin includes read');
  });
});

test.serial('without a control section the socket is 0600: another user cannot even connect, root can', async (t) => {
  t.timeout(60_000);
  await withInit('services: []\n', async (init) => {
    t.is(statSync(init.socket).mode & 0o777, 0o600);
    const refused = await ctlAs(init, nobody, 'status');
    t.is(refused.status, 1);
    t.regex(refused.stderr, /unable to connect to .*control\.sock: Permission denied/);
    t.regex(init.ctl('status'), /^image host-test/);
  });
});
