import test from 'ava';
import type { UpdateStatus } from '../update/status.ts';
import { readPendingUpdate, updateOutcome, writePendingUpdate } from './update-outcome.ts';
import { MapFiles } from './test-fakes.ts';

const pending = { id: 'u1', version: '2.0', at: 1000 };
const slots = [
  { slot: 'A' as const, version: '1.0', booted: false, committed: false },
  { slot: 'B' as const, version: '2.0', booted: true, committed: true },
];

test('booted the wanted version and committed: outcome committed', (t) => {
  const status: UpdateStatus = { version: '2.0', booted: 'B', state: 'committed', slots };
  t.deepEqual(updateOutcome(pending, status, 5000), { id: 'u1', ok: true, outcome: 'committed', message: 'running version 2.0, committed' });
});

test('still on trial, or not rebooted yet: no outcome', (t) => {
  t.is(updateOutcome(pending, { version: '2.0', booted: 'B', state: 'trial', slots }, 5000), undefined);
  t.is(updateOutcome(pending, { version: '1.0', booted: 'A', state: 'committed', slots }, 500), undefined, 'the system that installed it is still running');
});

test("a rollback after the install: outcome rolled-back with the init's reason", (t) => {
  const status: UpdateStatus = { version: '1.0', booted: 'A', state: 'committed', slots, lastRollback: { slot: 'B', version: '2.0', reason: 'critical service web did not become healthy', at: 3000 } };
  t.deepEqual(updateOutcome(pending, status, 4000), { id: 'u1', ok: false, outcome: 'rolled-back', message: 'rolled back from version 2.0: critical service web did not become healthy' });
});

test('an older rollback is not this update: back on the old version without one still says rolled-back by version', (t) => {
  const status: UpdateStatus = { version: '1.0', booted: 'A', state: 'committed', slots, lastRollback: { slot: 'B', version: '2.0', reason: 'old', at: 10 } };
  t.like(updateOutcome(pending, status, 4000), { outcome: 'rolled-back', message: 'booted version 1.0, not 2.0: old' });
});

test('the pending record is written 0600 and read back; a damaged one is removed', (t) => {
  const files = new MapFiles();
  writePendingUpdate(files, '/s', pending);
  t.is(files.data.get('/s/pending-update.json')!.mode, 0o600);
  t.deepEqual(readPendingUpdate(files, '/s'), pending);
  files.writeText('/s/pending-update.json', '{broken');
  t.is(readPendingUpdate(files, '/s'), undefined);
  t.false(files.exists('/s/pending-update.json'));
});
