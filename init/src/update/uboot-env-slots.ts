/**
 * The A/B slot state (contract/slots.ts) kept as U-Boot variables, the way
 * docs/updates.md maps grubenv onto U-Boot's boot counting. Pure.
 *
 * ```ts
 * const state = readUbootSlotEnv(parseUbootEnv(copies, format).vars);
 * updateUbootEnv(env, ubootSlotChanges(commitTrial(state, 'B')), format);
 * ```
 *
 *   imago_committed    A|B  the known-good slot
 *   imago_trial        A|B  the slot on probation; unset otherwise
 *   upgrade_available  1    while a trial is armed, unset otherwise: U-Boot's
 *                           BOOTCOUNT_ENV saves `bootcount` only then, so a
 *                           committed device does not rewrite its environment
 *                           at every boot
 *   bootcount          N    boots since arming, counted by U-Boot; 0 after the
 *                           init arms, commits or clears a trial
 *   bootlimit          N    trial boots allowed; past it U-Boot runs
 *                           `altbootcmd`, which boots the committed slot
 *
 * Trial boots left are `bootlimit - bootcount`: U-Boot has already counted the
 * boot the init runs in. Every other variable (bootcmd, altbootcmd, a board's
 * own) is left as it is.
 */
import type { Slot, SlotEnv } from '../../../contract/index.ts';
import type { UbootEnvChanges } from './uboot-env.ts';

function asSlot(value: string | undefined): Slot | undefined {
  return value === 'A' || value === 'B' ? value : undefined;
}

/** U-Boot reads counts with simple_strtoul in base 10: leading digits, 0 when none. */
function count(value: string | undefined): number {
  const digits = /^\d+/.exec(value ?? '')?.[0];
  return digits ? Number(digits) : 0;
}

/** The slot state the variables hold; a fresh or foreign environment means "A committed". */
export function readUbootSlotEnv(vars: Record<string, string>): SlotEnv {
  const committed = asSlot(vars.imago_committed) ?? 'A';
  const trial = asSlot(vars.imago_trial);
  if (!trial) return { committed, trial: undefined, tries: 0 };
  return { committed, trial, tries: Math.max(0, count(vars.bootlimit) - count(vars.bootcount)) };
}

/** The variable changes that store `state` (for updateUbootEnv), counting restarted. */
export function ubootSlotChanges(state: SlotEnv): UbootEnvChanges {
  if (state.trial) {
    return { imago_committed: state.committed, imago_trial: state.trial, upgrade_available: '1', bootcount: '0', bootlimit: String(state.tries) };
  }
  return { imago_committed: state.committed, imago_trial: null, upgrade_available: null, bootcount: '0', bootlimit: null };
}
