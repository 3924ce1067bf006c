import test from 'ava';
import { ConsoleRate } from './console-rate.ts';

test('a burst passes, then lines are held back until the rate refills, and the first line shown after says how many', (t) => {
  const rate = new ConsoleRate(1000, 300);
  t.deepEqual(rate.admit(100, 0), { show: true, hidden: 0 });
  t.deepEqual(rate.admit(100, 0), { show: true, hidden: 0 });
  t.deepEqual(rate.admit(100, 0), { show: true, hidden: 0 });
  t.deepEqual(rate.admit(100, 0), { show: false });
  t.deepEqual(rate.admit(100, 50), { show: false }, '50 ms bring 50 bytes, not 100');
  rate.hold(3);
  t.is(rate.pendingHidden, 5);
  t.deepEqual(rate.admit(100, 100), { show: true, hidden: 5 });
  t.is(rate.pendingHidden, 0);
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
  t.deepEqual(rate.admit(5000, 300), { show: true, hidden: 1 });
});
