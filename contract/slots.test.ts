import test from 'ava';
import { decodeGrubenv, encodeGrubenv, grubenvSize } from './grubenv.ts';
import { armTrial, bootedSlot, bootRole, clearTrial, commitTrial, readSlotEnv, writeSlotEnv } from './slots.ts';
import { compareVersions } from './version.ts';

test('grubenv round-trips in exactly 1024 bytes, as GRUB writes it', (t) => {
  const block = encodeGrubenv({ imago_committed: 'A', imago_trial: 'B', imago_tries: '1' });
  t.is(block.length, grubenvSize);
  t.true(new TextDecoder().decode(block).startsWith('# GRUB Environment Block\nimago_committed=A\n'));
  t.deepEqual(decodeGrubenv(block), { imago_committed: 'A', imago_trial: 'B', imago_tries: '1' });
  t.deepEqual(decodeGrubenv(new Uint8Array(10)), {});
  t.throws(() => encodeGrubenv({ x: 'y'.repeat(2000) }));
});

test('the slot state machine: arm, trial, commit, rollback', (t) => {
  const fresh = readSlotEnv({});
  t.deepEqual(fresh, { committed: 'A', trial: undefined, tries: 0 });
  t.deepEqual(bootRole(fresh, 'A'), { kind: 'committed' });
  const armed = armTrial(fresh, 'B', 1);
  t.throws(() => armTrial(fresh, 'A', 1), { message: /committed slot/ });
  t.throws(() => armTrial(armed, 'B', 1), { message: /still on trial/ });
  t.deepEqual(bootRole(armed, 'B'), { kind: 'trial', slot: 'B' });
  t.deepEqual(bootRole(armed, 'A'), { kind: 'rolled-back', failed: 'B' });
  t.deepEqual(commitTrial(armed, 'B'), { committed: 'B', trial: undefined, tries: 0 });
  t.deepEqual(clearTrial(armed), { committed: 'A', trial: undefined, tries: 0 });
  t.deepEqual(readSlotEnv(writeSlotEnv({ other: 'x' }, armed)), armed);
  t.is(bootedSlot('console=ttyS0 imago.slot=B'), 'B');
  t.is(bootedSlot('console=ttyS0'), undefined);
});

test('versions compare part by part', (t) => {
  t.true(compareVersions('2', '1') > 0);
  t.true(compareVersions('1.10', '1.9') > 0);
  t.is(compareVersions('1.2', '1.2.0'), 0);
  t.true(compareVersions('x', '1') < 0);
});
