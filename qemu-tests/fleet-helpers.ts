/**
 * The fleet for QEMU tests: the CLI-driven fleet of fleet/test/cli-fleet.ts
 * whose certificate also names 10.0.2.2, where QEMU's user-mode network shows
 * the host to a guest, and the spec sections that point a device at it.
 */
import { startCliFleet, type CliFleet } from '../fleet/test/cli-fleet.ts';

export type { CliResult, FollowingCli } from '../fleet/test/cli-fleet.ts';
export type QemuFleet = CliFleet;

/** The host as a guest sees it on QEMU's user-mode network. */
export const hostFromGuest = '10.0.2.2';

/** One `fleet serve` on SQLite, reachable by guests. */
export function startQemuFleet(): Promise<QemuFleet> {
  return startCliFleet({ address: hostFromGuest });
}

/** A spec's `time:` section naming the host's NTP responder. */
export function timeSection(sntpPort: number): string {
  return `time:
  servers: ["${hostFromGuest}:${sntpPort}"]
`;
}

/** A spec's `fleet:` section for this fleet (paths absolute, so the spec may live anywhere). */
export function fleetSection(fleet: QemuFleet, tokenFile: string, identity: 'persistent' | 'ephemeral'): string {
  return `fleet:
  server: ${hostFromGuest}:${fleet.port}
  ca: ${fleet.caFile}
  token: ${tokenFile}
  identity: ${identity}
  poll_wait: 20
`;
}
