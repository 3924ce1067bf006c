import test from 'ava';
import { binaryStateName } from './open-state.ts';
import { skippedSuites, withSkippedSuites } from './suite-selection.ts';

test('skipped suites hold for one build\'s async chain only', async (t) => {
  t.deepEqual(skippedSuites(), []);
  const seen = await Promise.all([
    withSkippedSuites(['bookworm-security'], async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return skippedSuites();
    }),
    withSkippedSuites([], async () => skippedSuites()),
  ]);
  t.deepEqual(seen, [['bookworm-security'], []]);
  t.deepEqual(skippedSuites(), []);
});

test('a build that skips a suite gets an apt state of its own', (t) => {
  t.is(binaryStateName('armhf'), 'bookworm-armhf');
  t.is(binaryStateName('armhf', ['bookworm-security', 'bookworm-updates']), 'bookworm-armhf-without-bookworm-security-without-bookworm-updates');
});
