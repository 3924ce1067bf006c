import test from 'ava';
import { batchTexts, decodeLine, LineBatcher, stampLines, textBatch } from './line-batch.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);
const stamp = bytes('T ');

test('a read of many lines becomes one buffer, each line behind the read\'s timestamp', (t) => {
  const batch = new LineBatcher().push(bytes('one\ntwo\r\n\nthree\n'), stamp, 42)!;
  t.is(text(batch.bytes), 'T one\nT two\nT \nT three\n');
  t.is(batch.count, 4);
  t.is(batch.time, 42);
  t.deepEqual(batchTexts(batch), ['one', 'two', '', 'three']);
  t.deepEqual(batchTexts(batch, 2), ['', 'three']);
});

test('a partial last line waits for the next read, and is logged at end of output', (t) => {
  const batcher = new LineBatcher();
  t.is(batcher.push(bytes('hel'), stamp, 1), undefined);
  t.is(text(batcher.push(bytes('lo\nwor'), stamp, 2)!.bytes), 'T hello\n');
  t.is(text(batcher.push(bytes('ld\nno newline'), stamp, 3)!.bytes), 'T world\n');
  t.is(text(batcher.flush(stamp, 4)!.bytes), 'T no newline\n');
  t.is(batcher.flush(stamp, 5), undefined);
});

test('lines longer than the limit are cut into pieces, without waiting for their newline', (t) => {
  const batcher = new LineBatcher(4);
  const first = batcher.push(bytes('abcdefghij'), stamp, 1)!;
  t.deepEqual(batchTexts(first), ['abcd', 'efgh']);
  t.deepEqual(batchTexts(batcher.push(bytes('\n'), stamp, 2)!), ['ij']);
  t.deepEqual(batchTexts(batcher.push(bytes('abcd\nabcdefghi\n'), stamp, 3)!), ['abcd', 'abcd', 'efgh', 'i'], 'a line of exactly the limit stays whole');
});

test('bytes go to the file as the service wrote them; text is decoded only when asked, UTF-8 split across reads included', (t) => {
  const batcher = new LineBatcher();
  const euro = bytes('€ x\n');
  t.is(batcher.push(euro.slice(0, 1), stamp, 1), undefined);
  const batch = batcher.push(euro.slice(1), stamp, 2)!;
  t.deepEqual([...batch.bytes], [...stamp, ...euro]);
  t.deepEqual(batchTexts(batch), ['€ x']);
  t.is(decodeLine(new Uint8Array([0x61, 0xff, 0x62])), 'a\ufffdb', 'invalid UTF-8 reads as replacement characters');
  t.is(decodeLine(bytes('plain ascii')), 'plain ascii');
});

test('a full 64 KiB read of 100-byte lines is one batch of all its lines', (t) => {
  const line = `${'x'.repeat(99)}\n`;
  const chunk = bytes(line.repeat(655));
  const batch = stampLines(chunk, bytes('2024-05-01T12:00:00.000Z '), 7);
  t.is(batch.count, 655);
  t.is(batch.bytes.length, chunk.length + 655 * 25);
  t.is(text(batch.bytes), `2024-05-01T12:00:00.000Z ${line}`.repeat(655));
});

test('an init message is a batch of one that keeps its text', (t) => {
  const batch = textBatch('init: ready', 'T ', 9);
  t.is(text(batch.bytes), 'T init: ready\n');
  t.deepEqual(batchTexts(batch), ['init: ready']);
});

test('reads of short lines, more than the buffer first assumes, are stamped whole', (t) => {
  const chunk = bytes(`${'a\n'.repeat(1000)}${'long enough line\n'.repeat(10)}`);
  const batch = stampLines(chunk, stamp, 1);
  t.is(batch.count, 1010);
  t.is(text(batch.bytes), `${'T a\n'.repeat(1000)}${'T long enough line\n'.repeat(10)}`);
  t.is(text(stampLines(bytes(`${'x'.repeat(40)}\n${'b\n'.repeat(50)}`), stamp, 1).bytes), `T ${'x'.repeat(40)}\n${'T b\n'.repeat(50)}`);
});
