import test from 'ava';
import { LineSplitter } from './lines.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

test('joins chunks into whole lines', (t) => {
  const splitter = new LineSplitter();
  t.deepEqual(splitter.push(bytes('hel')), []);
  t.deepEqual(splitter.push(bytes('lo\nwor')), ['hello']);
  t.deepEqual(splitter.push(bytes('ld\r\n\n')), ['world', '']);
  t.deepEqual(splitter.flush(), []);
});

test('keeps a partial last line until the stream ends', (t) => {
  const splitter = new LineSplitter();
  splitter.push(bytes('no newline'));
  t.deepEqual(splitter.flush(), ['no newline']);
});

test('cuts lines longer than the limit', (t) => {
  const splitter = new LineSplitter(4);
  t.deepEqual(splitter.push(bytes('abcdefghij')), ['abcd', 'efgh']);
  t.deepEqual(splitter.push(bytes('\n')), ['ij']);
});

test('decodes UTF-8 split across chunks', (t) => {
  const splitter = new LineSplitter();
  const euro = bytes('€\n');
  t.deepEqual(splitter.push(euro.slice(0, 1)), []);
  t.deepEqual(splitter.push(euro.slice(1)), ['€']);
});
