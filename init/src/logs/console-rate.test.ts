import test from 'ava';
import { ConsoleRate } from './console-rate.ts';

test('a burst passes, then lines are held back until half the burst has refilled, and the first line shown after says how many', (t) => {
  const rate = new ConsoleRate(1000, 400);
  for (let i = 0; i < 4; i++) t.deepEqual(rate.admit(100, 0), { show: true, hidden: 0 });
  t.deepEqual(rate.admit(100, 0), { show: false });
  t.deepEqual(rate.admit(100, 100), { show: false }, '100 ms bring 100 bytes: enough for the line, not for resuming');
  rate.hold(3);
  t.is(rate.pendingHidden, 5);
  t.deepEqual(rate.admit(100, 200), { show: true, hidden: 5 });
  t.is(rate.pendingHidden, 0);
  t.deepEqual(rate.admit(100, 200), { show: true, hidden: 0 }, 'then lines pass while the bucket lasts');
  rate.spend(100);
  t.deepEqual(rate.admit(100, 200), { show: false }, 'what the report of hidden lines took counts too');
});

test('over a long run, what passes is the rate, not what the service writes', (t) => {
  const rate = new ConsoleRate(4096, 16384);
  let shown = 0;
  let hidden = 0;
  // 10 s of a service writing 100-byte lines at 1 MB/s.
  for (let ms = 0; ms < 10_000; ms++) {
    for (let i = 0; i < 10; i++) {
      const verdict = rate.admit(100, ms);
      if (verdict.show) shown++;
      else hidden++;
    }
  }
  t.true(shown * 100 <= 16384 + 4096 * 10, `shown ${shown * 100} bytes`);
  t.true(shown * 100 >= 4096 * 10, `shown ${shown * 100} bytes`);
  t.is(shown + hidden, 100_000);
});

test('a line longer than the burst is shown once the bucket is full, not refused forever', (t) => {
  const rate = new ConsoleRate(1000, 300);
  t.deepEqual(rate.admit(5000, 0), { show: true, hidden: 0 });
  t.deepEqual(rate.admit(5000, 100), { show: false });
  t.deepEqual(rate.admit(5000, 299), { show: false });
  t.deepEqual(rate.admit(5000, 300), { show: true, hidden: 2 });
});

test('a report on its own waits for half the burst, and does not count as a held line', (t) => {
  const rate = new ConsoleRate(1000, 400);
  rate.admit(400, 0);
  t.deepEqual(rate.admit(100, 0), { show: false });
  t.is(rate.takeHidden(100), 0, 'not yet');
  t.is(rate.pendingHidden, 1);
  t.is(rate.takeHidden(200), 1);
  t.is(rate.takeHidden(300), 0, 'nothing left to report');
});
