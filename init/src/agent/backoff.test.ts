import test from 'ava';
import { Backoff, maxRetryMs } from './backoff.ts';

test('backoff doubles from 1 s to 5 min with the most jitter, and reset starts again', (t) => {
  const top = new Backoff(() => 1);
  const delays = Array.from({ length: 12 }, () => top.next());
  t.deepEqual(delays.slice(0, 5), [1000, 2000, 4000, 8000, 16000]);
  t.is(delays[11], maxRetryMs);
  t.true(delays.every((d) => d <= maxRetryMs));
  top.reset();
  t.is(top.next(), 1000);
});

test('backoff jitter keeps each delay between half and all of its step', (t) => {
  const low = new Backoff(() => 0);
  t.deepEqual([low.next(), low.next(), low.next()], [500, 1000, 2000]);
  let x = 0.37;
  const random = () => (x = (x * 7.13) % 1);
  const backoff = new Backoff(random);
  for (let i = 0; i < 20; i++) {
    const step = Math.min(maxRetryMs, 1000 * 2 ** i);
    const d = backoff.next();
    t.true(d >= step / 2 && d <= step, `try ${i}: ${d} outside ${step / 2}..${step}`);
  }
});
