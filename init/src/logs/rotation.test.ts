import test from 'ava';
import { Ring } from './ring.ts';
import { rotationSteps, shouldRotate } from './rotation.ts';

const policy = { maxBytes: 100, maxAgeMs: 1000, keep: 3 };

test('rotates by size before the line that would overflow', (t) => {
  t.false(shouldRotate({ size: 90, startedAt: 0 }, 10, 1, policy));
  t.true(shouldRotate({ size: 91, startedAt: 0 }, 10, 1, policy));
});

test('rotates by age', (t) => {
  t.false(shouldRotate({ size: 5, startedAt: 0 }, 1, 999, policy));
  t.true(shouldRotate({ size: 5, startedAt: 0 }, 1, 1000, policy));
});

test('never rotates an empty file, however long a line is', (t) => {
  t.false(shouldRotate({ size: 0, startedAt: 0 }, 500, 5000, policy));
});

test('rotation shifts the numbered files, dropping the oldest', (t) => {
  t.deepEqual(rotationSteps('/var/log/a.log', 3), [
    { kind: 'remove', path: '/var/log/a.log.3' },
    { kind: 'rename', from: '/var/log/a.log.2', to: '/var/log/a.log.3' },
    { kind: 'rename', from: '/var/log/a.log.1', to: '/var/log/a.log.2' },
    { kind: 'rename', from: '/var/log/a.log', to: '/var/log/a.log.1' },
  ]);
  t.deepEqual(rotationSteps('/var/log/a.log', 0), [{ kind: 'remove', path: '/var/log/a.log' }]);
});

test('the ring keeps the most recent items in order', (t) => {
  const ring = new Ring<number>(3);
  for (let i = 1; i <= 5; i++) ring.push(i);
  t.deepEqual(ring.last(), [3, 4, 5]);
  t.deepEqual(ring.last(2), [4, 5]);
  const empty = new Ring<number>(0);
  empty.push(1);
  t.deepEqual(empty.last(), []);
});
