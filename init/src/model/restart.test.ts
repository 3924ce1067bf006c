import test from 'ava';
import { nextFailureCount, restartDelay, shouldRestart } from './restart.ts';

const backoff = { initialMs: 100, maxMs: 1000, resetAfterMs: 5000 };

test('restart policies', (t) => {
  const ok = { exited: true as const, code: 0 };
  const bad = { exited: true as const, code: 2 };
  const killed = { exited: false as const, signal: 9 };
  t.deepEqual([ok, bad, killed].map((s) => shouldRestart('always', s)), [true, true, true]);
  t.deepEqual([ok, bad, killed].map((s) => shouldRestart('on-failure', s)), [false, true, true]);
  t.deepEqual([ok, bad, killed].map((s) => shouldRestart('never', s)), [false, false, false]);
});

test('the first restart is immediate, then the delay doubles up to the cap', (t) => {
  t.deepEqual([1, 2, 3, 4, 5, 6, 7, 60].map((n) => restartDelay(n, backoff)), [0, 100, 200, 400, 800, 1000, 1000, 1000]);
});

test('a stable run resets the failure streak', (t) => {
  t.is(nextFailureCount(4, 100, backoff), 5);
  t.is(nextFailureCount(4, 5000, backoff), 1);
});
