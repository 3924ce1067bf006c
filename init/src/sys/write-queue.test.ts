import test from 'ava';
import { FakeSys } from './fake.ts';
import { WriteQueue } from './write-queue.ts';

/** A descriptor that takes `room` bytes, then would block until given more; `broken` makes writes fail. */
class SlowFd extends FakeSys {
  room = 4;
  broken = false;
  out: number[] = [];
  writable?: () => void;
  override tryWrite(_fd: number, data: Uint8Array): number {
    if (this.broken) throw new Error('EPIPE');
    const n = Math.min(this.room, data.length);
    this.room -= n;
    this.out.push(...data.subarray(0, n));
    return n;
  }
  override onWritable(_fd: number, callback: (() => void) | null): void {
    this.writable = callback ?? undefined;
  }
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (out: number[]) => new TextDecoder().decode(new Uint8Array(out));

test('what the descriptor takes at once is written; the rest waits, in order, and is written as it becomes writable', (t) => {
  const fd = new SlowFd();
  const rounds: boolean[] = [];
  const queue = new WriteQueue(fd, 3, { wrote: (empty) => rounds.push(empty), failed: () => t.fail() });
  t.true(queue.push(bytes('ab')));
  t.false(fd.writable !== undefined, 'nothing waits, nothing watched');
  t.false(queue.push(bytes('cdef')));
  t.false(queue.push(bytes('gh')));
  t.is(text(fd.out), 'abcd');
  t.is(queue.bytes, 4);
  fd.room = 3;
  fd.writable!();
  t.is(text(fd.out), 'abcdefg');
  t.deepEqual(rounds, [false]);
  fd.room = 100;
  fd.writable!();
  t.is(text(fd.out), 'abcdefgh');
  t.deepEqual(rounds, [false, true]);
  t.false(queue.pending);
  t.is(queue.bytes, 0);
  t.is(fd.writable, undefined, 'stops watching once empty');
});

test('what waits is a copy: the caller may reuse its buffer', (t) => {
  const fd = new SlowFd();
  fd.room = 0;
  const queue = new WriteQueue(fd, 3, { failed: () => t.fail() });
  const buffer = bytes('hello');
  queue.push(buffer.subarray(0, 5));
  buffer.fill(0);
  fd.room = 100;
  fd.writable!();
  t.is(text(fd.out), 'hello');
});

test('a failing write empties the queue, stops watching and reports the error once', (t) => {
  const fd = new SlowFd();
  const errors: unknown[] = [];
  const queue = new WriteQueue(fd, 3, { failed: (error) => errors.push(error) });
  queue.push(bytes('abcdefgh'));
  fd.broken = true;
  fd.writable!();
  t.is(errors.length, 1);
  t.false(queue.pending);
  t.is(fd.writable, undefined);
  t.false(queue.push(bytes('x')), 'a later push fails too');
  t.is(errors.length, 2);
});
