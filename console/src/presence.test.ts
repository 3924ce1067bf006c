import test from 'ava';
import { presence, type Presence } from './presence.ts';
import type { ListedDevice } from './types.ts';

const now = 1_800_000_000_000;
const status = (uptime: number) => ({ uptime }) as ListedDevice['status'];

const cases: [string, Pick<ListedDevice, 'lastSeen' | 'status' | 'pollWait' | 'revokedAt'>, number | undefined, Presence][] = [
  ['seen 50 s ago, polling every 20 s: online', { lastSeen: now - 50_000, pollWait: 20, status: status(100) }, undefined, 'online'],
  ['not seen for just over 3 polls of 20 s: not reporting', { lastSeen: now - 61_000, pollWait: 20, status: status(100) }, undefined, 'not-reporting'],
  ['no interval known: 3 x 60 s', { lastSeen: now - 170_000, status: status(100) }, undefined, 'online'],
  ['a 1 s interval is judged as 5 s, so one slow reply is not silence', { lastSeen: now - 10_000, pollWait: 1, status: status(100) }, undefined, 'online'],
  ['never polled since activation', {}, undefined, 'never-reported'],
  ['revoked wins over everything', { lastSeen: now, revokedAt: now - 1, status: status(1) }, now - 5000, 'revoked'],
  ['a report from the old boot after the reboot was accepted: still rebooting', { lastSeen: now - 1000, pollWait: 20, status: status(600) }, now - 3000, 'rebooting'],
  ['a report from a boot that began after the reboot: back online', { lastSeen: now - 1000, pollWait: 20, status: status(8) }, now - 15_000, 'online'],
  ['a reboot that never came back in 10 min: not reporting', { lastSeen: now - 700_000, pollWait: 20, status: status(600) }, now - 650_000, 'not-reporting'],
];

for (const [title, device, rebootAt, expected] of cases) {
  test(`presence: ${title}`, (t) => {
    t.is(presence(device, now, rebootAt), expected);
  });
}
