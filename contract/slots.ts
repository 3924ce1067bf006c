/**
 * The A/B slot state machine, kept in GRUB's environment block on the ESP so the
 * bootloader and the init share one truth. Pure.
 *
 *   imago_committed  A|B   the slot known good; GRUB boots it unless a trial is armed
 *   imago_trial      A|B|"" a newly written slot on probation
 *   imago_tries      N     trial boots left; GRUB decrements it before each trial boot
 *
 *   state at boot                          booted    role          the init then
 *   no trial                               any       committed     nothing
 *   trial=T, tries>=0                      T         trial         commits T when critical services are healthy long
 *                                                                  enough (committed=T, trial=""), else reboots
 *   trial=T                                other     rolled-back   records the rollback, clears the trial
 *
 * GRUB falls back to the committed slot once the tries are used up, so a trial
 * that hangs, panics or loses power always ends on the committed slot.
 */

export type Slot = 'A' | 'B';
export const slots: readonly Slot[] = ['A', 'B'];

export interface SlotEnv {
  committed: Slot;
  trial?: Slot;
  tries: number;
}

export type BootRole = { kind: 'committed' } | { kind: 'trial'; slot: Slot } | { kind: 'rolled-back'; failed: Slot };

/** The other slot. */
export function otherSlot(slot: Slot): Slot {
  return slot === 'A' ? 'B' : 'A';
}

function asSlot(value: string | undefined): Slot | undefined {
  return value === 'A' || value === 'B' ? value : undefined;
}

/** Reads the slot variables from a decoded grubenv; a fresh or foreign file means "A committed". */
export function readSlotEnv(env: Record<string, string>): SlotEnv {
  const tries = Number(env.imago_tries ?? '0');
  return { committed: asSlot(env.imago_committed) ?? 'A', trial: asSlot(env.imago_trial), tries: Number.isInteger(tries) && tries > 0 ? tries : 0 };
}

/** The grubenv variables for `state`, merged over the other variables of `env`. */
export function writeSlotEnv(env: Record<string, string>, state: SlotEnv): Record<string, string> {
  return { ...env, imago_committed: state.committed, imago_trial: state.trial ?? '', imago_tries: String(state.tries) };
}

/** The slot the kernel command line names (`imago.slot=A`), if any. */
export function bootedSlot(cmdline: string): Slot | undefined {
  return asSlot(/(?:^|\s)imago\.slot=([AB])(?:\s|$)/.exec(cmdline)?.[1]);
}

/** What this boot is, from the environment and the slot GRUB booted. */
export function bootRole(state: SlotEnv, booted: Slot): BootRole {
  if (!state.trial) return { kind: 'committed' };
  if (booted === state.trial) return { kind: 'trial', slot: booted };
  return { kind: 'rolled-back', failed: state.trial };
}

/**
 * Arms `slot` for trial boots. Throws when it is the committed slot or a trial
 * is already pending (the running slot must be committed before the next update).
 */
export function armTrial(state: SlotEnv, slot: Slot, tries: number): SlotEnv {
  if (slot === state.committed) throw new Error(`slot ${slot} is the committed slot; updates go to the other one`);
  if (state.trial) throw new Error(`slot ${state.trial} is still on trial; wait until it is committed or rolled back`);
  return { committed: state.committed, trial: slot, tries };
}

/** Makes the trial slot the committed one. */
export function commitTrial(state: SlotEnv, slot: Slot): SlotEnv {
  return { committed: slot, trial: undefined, tries: 0 };
}

/** Drops a failed trial: the committed slot stays. */
export function clearTrial(state: SlotEnv): SlotEnv {
  return { committed: state.committed, trial: undefined, tries: 0 };
}
