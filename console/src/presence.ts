/**
 * Whether a device is reporting, judged from what the server last heard. Pure.
 *
 *   presence(device, Date.now(), reboots.get(device.id))   // 'online' | 'rebooting' | ...
 *
 * A healthy device polls without a gap: each poll is held up to its `wait`
 * (the device's poll interval) and the next follows at once. So a device not
 * seen for 3 intervals has missed 3 polls: it "stopped reporting". A device
 * told to reboot is "rebooting" until it reports from a boot that began after
 * the reboot (its uptime says when it booted), however soon it reports again.
 */
import type { ListedDevice } from './types.ts';

export type Presence = 'online' | 'not-reporting' | 'rebooting' | 'revoked' | 'never-reported';

/** Assumed when a device has not said its interval: the longest poll the server holds. */
export const defaultPollSeconds = 60;
/** Shortest interval judged by, so a device polling every second is not flagged for one slow reply. */
const minPollSeconds = 5;
/** After this long a reboot that never came back is "not reporting", not "rebooting". */
const rebootGiveUpMs = 10 * 60_000;

/** Milliseconds without a report after which the device is "not reporting". */
export function silenceLimitMs(device: Pick<ListedDevice, 'pollWait'>): number {
  return 3 * Math.max(device.pollWait ?? defaultPollSeconds, minPollSeconds) * 1000;
}

/** When the device's current boot began (server clock), from its last report. */
export function bootedAt(device: Pick<ListedDevice, 'lastSeen' | 'status'>): number | undefined {
  if (device.lastSeen === undefined || device.status === undefined) return undefined;
  return device.lastSeen - device.status.uptime * 1000;
}

/** `rebootAt`: when the device accepted a reboot (its command's finish time), if the console saw one. */
export function presence(device: Pick<ListedDevice, 'lastSeen' | 'status' | 'pollWait' | 'revokedAt'>, now: number, rebootAt?: number): Presence {
  if (device.revokedAt !== undefined) return 'revoked';
  if (rebootAt !== undefined) {
    const booted = bootedAt(device);
    // Uptime is whole seconds and the report took time to arrive: a second of slack.
    const cameBack = booted !== undefined && booted >= rebootAt - 1000;
    if (!cameBack) return now - rebootAt < rebootGiveUpMs ? 'rebooting' : 'not-reporting';
  }
  if (device.lastSeen === undefined) return 'never-reported';
  return now - device.lastSeen > silenceLimitMs(device) ? 'not-reporting' : 'online';
}

export const presenceText: Record<Presence, string> = {
  online: 'online',
  'not-reporting': 'not reporting',
  rebooting: 'rebooting',
  revoked: 'revoked',
  'never-reported': 'no report yet',
};
