import test from 'ava';
import { generateKeys, parsePublicKey } from './keys.ts';

// Keys anyone can forge signatures for, or that are not a curve point as written.
const refused: [string, string, RegExp][] = [
  ['the all-zero key', '00'.repeat(32), /release\.pub: .*small order, for which anyone can forge a signature/],
  ['the identity', `01${'00'.repeat(31)}`, /release\.pub: .*small order, for which anyone can forge a signature/],
  ['the order-2 point', `ec${'ff'.repeat(30)}7f`, /release\.pub: .*small order/],
  ['an order-8 point', '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', /release\.pub: .*small order/],
  ['the identity written as y = p + 1', `ee${'ff'.repeat(30)}7f`, /release\.pub: .*not the canonical encoding of a point on the curve/],
  ['the identity with the sign bit set', `01${'00'.repeat(30)}80`, /release\.pub: .*not the canonical encoding of a point on the curve/],
  ['y with no point on the curve', `02${'00'.repeat(31)}`, /release\.pub: .*not the canonical encoding of a point on the curve/],
];

for (const [name, hex, message] of refused) {
  test(`refuses ${name} as a public key, naming the file`, (t) => {
    t.throws(() => parsePublicKey(`ed25519 ${hex}\n`, 'release.pub'), { message });
  });
}

test('accepts a key made by keygen', (t) => {
  const keys = generateKeys();
  t.is(parsePublicKey(keys.publicLine, 'release.pub').id, keys.id);
});
