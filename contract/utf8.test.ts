import test from 'ava';
import { decodeUtf8, encodeUtf8 } from './utf8.ts';

const samples = ['plain ascii', 'café', '€ 1.50', '日本語', 'emoji 🚀 here', ''];

test('decodes like TextDecoder', (t) => {
  for (const text of samples) t.is(decodeUtf8(new TextEncoder().encode(text)), text);
});

test('invalid and truncated sequences become U+FFFD like TextDecoder', (t) => {
  const cases = [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x61, 0x80, 0x62]];
  for (const bytes of cases) {
    const data = new Uint8Array(bytes);
    t.is(decodeUtf8(data), new TextDecoder().decode(data), `bytes ${bytes.join(',')}`);
  }
});

test('encodes like TextEncoder', (t) => {
  for (const text of [...samples, 'lone \ud800 surrogate']) t.deepEqual(encodeUtf8(text), new TextEncoder().encode(text));
});
