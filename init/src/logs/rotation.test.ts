import test from 'ava';
import { stampLines } from './line-batch.ts';
import { LineRing } from './line-ring.ts';
import { bytesBeforeRotation, rotationSteps, shouldRotate } from './rotation.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
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

test('a batch fills the file with the whole lines that fit, and the rest waits for the rotation', (t) => {
  const batch = bytes('aaaaaaaaa\n'.repeat(5)); // 5 lines of 10 bytes
  t.is(bytesBeforeRotation({ size: 50, startedAt: 0 }, batch, 1, policy), 50, 'everything fits');
  t.is(bytesBeforeRotation({ size: 75, startedAt: 0 }, batch, 1, policy), 20, 'two lines fit in the 25 bytes left');
  t.is(bytesBeforeRotation({ size: 95, startedAt: 0 }, batch, 1, policy), 0, 'not one line fits');
  t.is(bytesBeforeRotation({ size: 5, startedAt: 0 }, batch, 1000, policy), 0, 'too old: rotate first');
  t.is(bytesBeforeRotation({ size: 0, startedAt: 0 }, bytes('x'.repeat(150) + '\nb\n'), 1, policy), 151, 'an empty file takes one line, however long');
  t.is(bytesBeforeRotation({ size: 0, startedAt: 0 }, bytes('aaaaaaaaa\n'.repeat(12)), 1, policy), 100, 'an empty file takes what fits');
});

test('the ring keeps the most recent lines in order, across batches', (t) => {
  const ring = new LineRing(3);
  const stamp = bytes('T ');
  ring.push(stampLines(bytes('1\n2\n'), stamp, 1));
  ring.push(stampLines(bytes('3\n4\n5\n'), stamp, 2));
  t.deepEqual(ring.last(), [{ time: 2, text: '3' }, { time: 2, text: '4' }, { time: 2, text: '5' }]);
  t.deepEqual(ring.last(2).map((l) => l.text), ['4', '5']);
  ring.push(stampLines(bytes('6\n'), stamp, 3));
  t.deepEqual(ring.last(10).map((l) => l.text), ['4', '5', '6']);
  t.is(ring.size, 3);
  const empty = new LineRing(0);
  empty.push(stampLines(bytes('1\n'), stamp, 1));
  t.deepEqual(empty.last(), []);
});
