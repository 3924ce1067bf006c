import test from 'ava';
import { StampCache } from './stamp.ts';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

test('stamps are the ISO time and a space, right across seconds, minutes and days', (t) => {
  const stamps = new StampCache();
  for (const time of [0, 59_999, 60_000, 60_001, 86_399_999, 86_400_000, 1_700_000_000_123, 1_700_000_000_123, 1_700_000_059_999]) {
    const expected = `${new Date(time).toISOString()} `;
    t.is(text(stamps.bytes(time)), expected);
    t.is(stamps.text(time), expected);
  }
});
