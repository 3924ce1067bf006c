import test from 'ava';
import type { SlotEnv } from '../../../contract/index.ts';
import { readUbootSlotEnv, ubootSlotChanges } from './uboot-env-slots.ts';

const readCases: { title: string; vars: Record<string, string>; state: SlotEnv }[] = [
  { title: 'a fresh environment: A committed', vars: { bootcmd: 'run x' }, state: { committed: 'A', trial: undefined, tries: 0 } },
  { title: 'B committed, no trial', vars: { imago_committed: 'B', bootcount: '7', bootlimit: '3' }, state: { committed: 'B', trial: undefined, tries: 0 } },
  { title: 'a trial just armed', vars: { imago_committed: 'A', imago_trial: 'B', upgrade_available: '1', bootcount: '0', bootlimit: '3' }, state: { committed: 'A', trial: 'B', tries: 3 } },
  { title: 'the first trial boot, counted by U-Boot', vars: { imago_committed: 'A', imago_trial: 'B', bootcount: '1', bootlimit: '3' }, state: { committed: 'A', trial: 'B', tries: 2 } },
  { title: 'a trial past its limit (U-Boot ran altbootcmd)', vars: { imago_committed: 'A', imago_trial: 'B', bootcount: '4', bootlimit: '3' }, state: { committed: 'A', trial: 'B', tries: 0 } },
  { title: 'counts read as U-Boot reads them (leading digits)', vars: { imago_trial: 'B', bootcount: '1x', bootlimit: '05' }, state: { committed: 'A', trial: 'B', tries: 4 } },
  { title: 'a trial with no bootcount yet', vars: { imago_trial: 'A', imago_committed: 'B', bootlimit: '2' }, state: { committed: 'B', trial: 'A', tries: 2 } },
  { title: 'foreign slot names are ignored', vars: { imago_committed: 'C', imago_trial: 'b' }, state: { committed: 'A', trial: undefined, tries: 0 } },
];
for (const { title, vars, state } of readCases) {
  test(`slot state from U-Boot variables: ${title}`, (t) => {
    t.deepEqual(readUbootSlotEnv(vars), state);
  });
}

test('arming stores the trial with upgrade_available=1, the count restarted and bootlimit = tries', (t) => {
  t.deepEqual(ubootSlotChanges({ committed: 'A', trial: 'B', tries: 3 }), { imago_committed: 'A', imago_trial: 'B', upgrade_available: '1', bootcount: '0', bootlimit: '3' });
});

test('committing or clearing deletes the trial, upgrade_available and bootlimit, and restarts the count', (t) => {
  t.deepEqual(ubootSlotChanges({ committed: 'B', trial: undefined, tries: 0 }), { imago_committed: 'B', imago_trial: null, upgrade_available: null, bootcount: '0', bootlimit: null });
});

test('what ubootSlotChanges stores reads back as the same state', (t) => {
  for (const state of [{ committed: 'A', trial: 'B', tries: 5 }, { committed: 'B', trial: undefined, tries: 0 }] satisfies SlotEnv[]) {
    const vars = Object.fromEntries(Object.entries(ubootSlotChanges(state)).filter((entry): entry is [string, string] => entry[1] !== null));
    t.deepEqual(readUbootSlotEnv(vars), state);
  }
});
