/** What `imagoctl status` shows about A/B updates. */
import type { Slot } from '../../../contract/index.ts';

export interface SlotStatus {
  slot: Slot;
  /** The version in the slot's manifest, or undefined for an empty slot. */
  version?: string;
  booted: boolean;
  committed: boolean;
  /** Trial boots left, for the slot on trial. */
  trialTries?: number;
}

export interface Rollback {
  slot: Slot;
  version?: string;
  reason: string;
  /** Wall-clock ms since the epoch. */
  at: number;
}

export interface UpdateStatus {
  version: string;
  booted: Slot;
  /** committed, trial (waiting for critical services), or unknown when the ESP is not mounted. */
  state: 'committed' | 'trial' | 'unknown';
  slots: SlotStatus[];
  lastRollback?: Rollback;
}

/** Status lines for people. Pure. */
export function formatUpdateStatus(status: UpdateStatus): string[] {
  const lines = status.slots.map((s) => {
    const marks = [s.booted ? 'booted' : '', s.committed ? 'committed' : '', s.trialTries !== undefined ? `on trial (${s.trialTries} tries left)` : ''].filter(Boolean);
    return `slot ${s.slot}: ${s.version ?? 'empty'}${marks.length ? ` (${marks.join(', ')})` : ''}`;
  });
  lines.unshift(`update: running version ${status.version} from slot ${status.booted}, ${status.state}`);
  if (status.lastRollback) {
    const r = status.lastRollback;
    lines.push(`last rollback: slot ${r.slot} (version ${r.version ?? '?'}) at ${new Date(r.at).toISOString()}: ${r.reason}`);
  }
  return lines;
}
