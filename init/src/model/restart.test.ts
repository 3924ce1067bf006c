import test from 'ava';
import { nextFailureCount, restartDelay, shouldRestart } from './restart.ts';

test('restart policies', (t) => {
  const ok = { exited: true as const, code: 0 };
  const bad = { exited: true as const, code: 2 };
  const killed = { exited: false as const, signal: 9 };
  t.deepEqual([ok, bad, killed].map((s) => shouldRestart('always', s)), [true, true, true]);
  t.deepEqual([ok, bad, killed].map((s) => shouldRestart('on-failure', s)), [false, true, true]);
  t.deepEqual([ok, bad, killed].map((s) => shouldRestart('never', s)), [false, false, false]);
});

test('backoff doubles up to the cap', (t) => {
  const settings = { baseMs: 100, capMs: 1000, stableMs: 5000 };
  t.deepEqual([1, 2, 3, 4, 5, 6, 60].map((n) => restartDelay(n, settings)), [100, 200, 400, 800, 1000, 1000, 1000]);
});

test('a stable run resets the failure streak', (t) => {
  const settings = { baseMs: 100, capMs: 1000, stableMs: 5000 };
  t.is(nextFailureCount(4, 100, settings), 5);
  t.is(nextFailureCount(4, 5000, settings), 1);
});
