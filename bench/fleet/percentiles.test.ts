import test from 'ava';
import { percentile } from './percentiles.ts';

test('nearest-rank percentiles: p50 of 1..100 is 50, p99 is 99, p100 the largest; no samples give NaN', (t) => {
  const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
  t.is(percentile(samples, 50), 50);
  t.is(percentile(samples, 99), 99);
  t.is(percentile(samples, 100), 100);
  t.is(percentile([7], 99), 7);
  t.true(Number.isNaN(percentile([], 50)));
});
