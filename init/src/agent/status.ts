/** The heartbeat's DeviceStatus: the init's status, the device's addresses and its clock. Pure. */
import type { DeviceStatus } from '../../../contract/index.ts';
import type { StatusResult } from '../control/protocol.ts';

export interface StatusInput {
  init: StatusResult;
  image: string;
  version: string;
  arch: string;
  addresses: string[];
  time: number;
}

export function deviceStatus(input: StatusInput): DeviceStatus {
  const { init } = input;
  const status: DeviceStatus = {
    image: input.image,
    // A device that was updated runs the version its booted slot holds, not the one in fleet.json.
    version: init.update?.version ?? input.version,
    arch: input.arch,
    hostname: init.hostname,
    uptime: Math.max(0, Math.round(init.uptime)),
    time: input.time,
    addresses: input.addresses.slice(0, 64),
    services: init.services.map((s) => ({
      name: s.name,
      state: s.state,
      health: s.health,
      restarts: s.restarts,
      ...(s.uptime !== undefined ? { uptime: s.uptime } : {}),
      ...(s.reason !== undefined ? { reason: s.reason.slice(0, 1024) } : {}),
    })),
  };
  const u = init.update;
  if (u) {
    status.update = {
      booted: u.booted,
      state: u.state,
      slots: u.slots.map((s) => ({ slot: s.slot, booted: s.booted, committed: s.committed, ...(s.version !== undefined ? { version: s.version } : {}) })),
    };
    if (u.lastRollback) status.update.lastRollback = { ...u.lastRollback };
  }
  return status;
}
