import test from 'ava';
import { median } from './median.ts';

const cases: [string, number[], number][] = [
  ['one value is its own median', [4.2], 4.2],
  ['an odd count takes the middle after sorting', [9, 1, 5], 5],
  ['an even count takes the mean of the middle two', [1, 10, 2, 3], 2.5],
  ['one slow outlier does not move it', [10.1, 10.3, 95], 10.3],
];
for (const [title, values, expected] of cases) {
  test(`median: ${title}`, (t) => {
    t.is(median(values), expected);
  });
}

test('median: an empty list is an error, not NaN in the table', (t) => {
  t.throws(() => median([]), { message: /at least one value/ });
});

test('median: leaves the caller\'s array in its order', (t) => {
  const values = [3, 1, 2];
  median(values);
  t.deepEqual(values, [3, 1, 2]);
});
