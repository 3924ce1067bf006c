import test from 'ava';
import { RequestLines } from './request-lines.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

test('lines across chunks, and an overlong one reported once and skipped to its newline', (t) => {
  const lines = new RequestLines(8);
  t.deepEqual(lines.push(bytes('abc\nde')), [{ line: 'abc' }]);
  t.deepEqual(lines.push(bytes('f\r\n123456789')), [{ line: 'def' }, { overlong: true }]);
  t.deepEqual(lines.push(bytes('more of it {"x":1}')), [], 'the rest of the overlong line is no request');
  t.deepEqual(lines.push(bytes('\nnext\n')), [{ line: 'next' }]);
  t.deepEqual(lines.push(bytes('12345678\n')), [{ line: '12345678' }], 'exactly the limit is allowed');
});
