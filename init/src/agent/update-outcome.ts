/**
 * An update's outcome survives the reboot it causes: before installing, the
 * agent records the command's id and the wanted version in stateDir; after
 * the reboot it compares them with the init's update status. Pure apart from
 * the record's file.
 */
import type { CommandResult } from '../../../contract/index.ts';
import type { UpdateStatus } from '../update/status.ts';
import { writeFileAtomic, type AgentFiles } from './deps.ts';

export interface PendingUpdate {
  id: string;
  version: string;
  /** Wall-clock ms when the install started: a rollback after it is this update's. */
  at: number;
}

export const pendingUpdateFile = (stateDir: string) => `${stateDir}/pending-update.json`;

export function readPendingUpdate(files: AgentFiles, stateDir: string): PendingUpdate | undefined {
  const text = files.readText(pendingUpdateFile(stateDir));
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as PendingUpdate;
    if (typeof value.id === 'string' && typeof value.version === 'string' && typeof value.at === 'number') return value;
  } catch {
    // A damaged record is dropped below: the server then sees the update time out, not a false outcome.
  }
  files.remove(pendingUpdateFile(stateDir));
  return undefined;
}

export function writePendingUpdate(files: AgentFiles, stateDir: string, pending: PendingUpdate): void {
  writeFileAtomic(files, pendingUpdateFile(stateDir), JSON.stringify(pending), 0o600);
}

/** The result to report, or undefined while the device is still on trial (or has not rebooted yet). */
export function updateOutcome(pending: PendingUpdate, status: UpdateStatus | undefined, bootedSince: number): CommandResult | undefined {
  if (!status) return { id: pending.id, ok: false, outcome: 'rolled-back', message: 'this image reports no update status' };
  const rollback = status.lastRollback;
  if (rollback && rollback.at >= pending.at && (rollback.version === undefined || rollback.version === pending.version)) {
    return { id: pending.id, ok: false, outcome: 'rolled-back', message: `rolled back from version ${pending.version}: ${rollback.reason}` };
  }
  // Still running the system that installed it: the reboot has not happened yet.
  if (bootedSince < pending.at) return undefined;
  if (status.version === pending.version && status.state === 'committed') return { id: pending.id, ok: true, outcome: 'committed', message: `running version ${pending.version}, committed` };
  if (status.state === 'trial') return undefined;
  return { id: pending.id, ok: false, outcome: 'rolled-back', message: `booted version ${status.version}, not ${pending.version}${rollback ? `: ${rollback.reason}` : ''}` };
}
