import test from 'ava';
import { FakeSys } from '../sys/fake.ts';
import { ConsoleWriter } from './console-writer.ts';

/** A console that accepts `room` bytes, then blocks until more room is given. */
class SlowConsole extends FakeSys {
  room = 10;
  out = '';
  writable?: () => void;
  override tryWrite(_fd: number, data: Uint8Array): number {
    const n = Math.min(this.room, data.length);
    this.room -= n;
    this.out += new TextDecoder().decode(data.subarray(0, n));
    return n;
  }
  override onWritable(_fd: number, callback: (() => void) | null): void {
    this.writable = callback ?? undefined;
  }
}

test('lines wait in the queue while the console is busy, in order, and drain when it is writable', (t) => {
  const sys = new SlowConsole();
  const console = new ConsoleWriter(sys, 5, true);
  t.true(console.writeLine('first line'));
  t.true(console.writeLine('second'));
  t.is(sys.out, 'first line');
  t.true(console.pending);
  sys.room = 1000;
  sys.writable!();
  t.is(sys.out, 'first line\nsecond\n');
  t.false(console.pending);
  t.is(sys.writable, undefined, 'stops watching once drained');
});

test('when the queue is full, lines are dropped and counted', (t) => {
  const sys = new SlowConsole();
  sys.room = 0;
  const console = new ConsoleWriter(sys, 5, true);
  let accepted = 0;
  for (let i = 0; i < 5000; i++) if (console.writeLine(`line ${i} ${'x'.repeat(40)}`)) accepted++;
  t.true(accepted > 1000 && accepted < 5000);
  t.is(console.dropped, 5000 - accepted);
});
