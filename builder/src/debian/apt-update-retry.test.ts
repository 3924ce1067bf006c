import test from 'ava';
import type { AptUpdateVerdict } from './apt-update-output.ts';
import { aptRetryDelays, defaultAptRetryDelaysMs, retryAptUpdate } from './apt-update-retry.ts';
import { updateFailureMessage } from './apt-state.ts';

const sync: AptUpdateVerdict = { kind: 'mirror-sync', suites: ['bookworm-security'], reason: 'File has unexpected size (1 != 2). Mirror sync in progress?' };

/** An apt-get update that answers with `verdicts` in turn, and a sleep that only records. */
function scripted(verdicts: AptUpdateVerdict[]) {
  const slept: number[] = [];
  let calls = 0;
  return {
    attempt: async () => verdicts[Math.min(calls++, verdicts.length - 1)]!,
    sleep: async (ms: number) => void slept.push(ms),
    slept,
    calls: () => calls,
  };
}

test('a mirror mid-sync is retried after each delay until the lists agree', async (t) => {
  const apt = scripted([sync, sync, { kind: 'ok' }]);
  const result = await retryAptUpdate(apt.attempt, [5000, 20000, 60000], apt.sleep);
  t.deepEqual(result, { verdict: { kind: 'ok' }, attempts: 3 });
  t.deepEqual(apt.slept, [5000, 20000]);
});

test('a mirror that stays mid-sync gives up after the last delay', async (t) => {
  const apt = scripted([sync]);
  const retries: number[] = [];
  const result = await retryAptUpdate(apt.attempt, [5000, 20000, 60000], apt.sleep, (_, delay) => retries.push(delay));
  t.deepEqual(result, { verdict: sync, attempts: 4 });
  t.deepEqual(apt.slept, [5000, 20000, 60000]);
  t.deepEqual(retries, [5000, 20000, 60000]);
});

test('any other failure is not retried', async (t) => {
  const apt = scripted([{ kind: 'failed', reason: "Could not resolve 'mirror'" }]);
  const result = await retryAptUpdate(apt.attempt, [5000], apt.sleep);
  t.is(result.attempts, 1);
  t.deepEqual(apt.slept, []);
});

test('IMAGO_APT_RETRY_DELAYS sets the waits in seconds', (t) => {
  t.deepEqual(aptRetryDelays({}), defaultAptRetryDelaysMs);
  t.deepEqual(defaultAptRetryDelaysMs, [5000, 20000, 60000]);
  t.deepEqual(aptRetryDelays({ IMAGO_APT_RETRY_DELAYS: '0, 0.5' }), [0, 500]);
  t.deepEqual(aptRetryDelays({ IMAGO_APT_RETRY_DELAYS: '' }), []);
  t.throws(() => aptRetryDelays({ IMAGO_APT_RETRY_DELAYS: 'soon' }), { message: /IMAGO_APT_RETRY_DELAYS: expected comma-separated seconds such as 5,20,60, got "soon"/ });
});

const state = { name: 'bookworm-i386', root: '/cache/apt/bookworm-i386', arch: 'i386' };

test('a suite still mid-sync is named with its architecture and the --skip-suite that drops it', (t) => {
  t.is(
    updateFailureMessage(state, sync as AptUpdateVerdict & { kind: 'mirror-sync' }, 4),
    'failed to update the package lists of apt state bookworm-i386 (/cache/apt/bookworm-i386): ' +
      "the mirror's bookworm-security index for i386 is still mid-sync after 4 tries (File has unexpected size (1 != 2). Mirror sync in progress?). " +
      'try again later, or build without it: --skip-suite bookworm-security (the image then lacks its updates, and its manifest says so)',
  );
});

test('the release itself mid-sync cannot be skipped: only try again later', (t) => {
  const message = updateFailureMessage(state, { kind: 'mirror-sync', suites: ['bookworm', 'bookworm-updates'], reason: 'Hash Sum mismatch' }, 4);
  t.regex(message, /the mirror's bookworm, bookworm-updates index for i386 is still mid-sync after 4 tries \(Hash Sum mismatch\)\. try again later$/);
  t.false(message.includes('--skip-suite'));
});

test('another failure keeps apt\'s reason and the old advice', (t) => {
  t.is(
    updateFailureMessage(state, { kind: 'failed', reason: "Could not resolve 'mirror'" }, 1),
    "failed to update the package lists of apt state bookworm-i386 (/cache/apt/bookworm-i386): Could not resolve 'mirror'. check the host can run apt-get update against the same mirror",
  );
});
