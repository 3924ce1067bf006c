import test from 'ava';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { ed25519KeyProblem, verifyEd25519 } from './ed25519.ts';

const sha512 = (data: Uint8Array) => new Uint8Array(createHash('sha512').update(data).digest());

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(12));
  return { raw, privateKey };
}

test('accepts signatures made by node:crypto', (t) => {
  for (let i = 0; i < 5; i++) {
    const { raw, privateKey } = keyPair();
    const message = new TextEncoder().encode(`manifest ${i} ${'x'.repeat(i * 50)}`);
    const signature = new Uint8Array(sign(null, message, privateKey));
    t.true(verifyEd25519(raw, message, signature, sha512));
  }
});

test('rejects a changed message, signature or key', (t) => {
  const { raw, privateKey } = keyPair();
  const other = keyPair();
  const message = new TextEncoder().encode('{"version":"2"}');
  const signature = new Uint8Array(sign(null, message, privateKey));
  const changed = message.slice();
  changed[5] = changed[5]! ^ 1;
  t.false(verifyEd25519(raw, changed, signature, sha512), 'message');
  const badSignature = signature.slice();
  badSignature[40] = badSignature[40]! ^ 1;
  t.false(verifyEd25519(raw, message, badSignature, sha512), 'signature');
  t.false(verifyEd25519(other.raw, message, signature, sha512), 'key');
  t.false(verifyEd25519(raw.subarray(1), message, signature, sha512), 'short key');
  t.false(verifyEd25519(raw, message, signature.subarray(1), sha512), 'short signature');
});

test('RFC 8032 test vector 2', (t) => {
  const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
  const key = hex('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c');
  const signature = hex('92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00');
  t.true(verifyEd25519(key, hex('72'), signature, sha512));
});

// The eight points of order dividing 8, canonically encoded (the list libsodium
// blocks), plus non-canonical encodings of some: with y + p in place of y, or
// the sign bit set on a point whose x is 0. A key that is one of them verifies
// a forged signature for every message, so none may ever be accepted as a key.
const p = 2n ** 255n - 19n;
const encode = (y: bigint, sign = 0) => {
  const bytes = new Uint8Array(32);
  for (let i = 0, n = y; i < 32; i++, n >>= 8n) bytes[i] = Number(n & 0xffn);
  bytes[31] = bytes[31]! | (sign << 7);
  return bytes;
};
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const smallOrder: [string, Uint8Array][] = [
  ['all zero (order 4)', new Uint8Array(32)],
  ['the identity', encode(1n)],
  ['order 2 (y = -1)', encode(p - 1n)],
  ['order 8', hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05')],
  ['order 8, other sign', hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a')],
  ['order 4 with x negative', encode(0n, 1)],
  ['order 8 (third)', hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa')],
  ['order 8 (fourth)', hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85')],
];
const nonCanonical: [string, Uint8Array][] = [
  ['the identity as y = p + 1', encode(p + 1n)],
  ['the identity with the sign bit', encode(1n, 1)],
  ['order 2 as y = -1 with the sign bit', encode(p - 1n, 1)],
  ['all zero as y = p', encode(p)],
  ['all zero as y = p with the sign bit', encode(p, 1)],
];

/**
 * The forgery a small-order key A allows: R = the identity and S = 0 satisfy
 * [S]B = R + [k]A whenever the hash k is a multiple of A's order, which takes
 * a few tries of the message at most (none at all for the identity).
 */
const forged = new Uint8Array([...encode(1n), ...new Uint8Array(32)]);
const messages = Array.from({ length: 32 }, (_, i) => new TextEncoder().encode(`{"version":"${i}"}`));

test('the forged signature (R = identity, S = 0) is rejected with the all-zero and the identity key', (t) => {
  for (const [name, key] of [['all-zero key', new Uint8Array(32)], ['identity key', encode(1n)]] as const) {
    const accepted = messages.filter((message) => verifyEd25519(key, message, forged, sha512));
    t.is(accepted.length, 0, `${name} accepted a forgery for ${accepted.length} of ${messages.length} messages`);
  }
});

test('small-order public keys never verify, even a signature the curve equation accepts', (t) => {
  for (const [name, key] of smallOrder) {
    t.is(ed25519KeyProblem(key), 'it is a point of small order, for which anyone can forge a signature', name);
    t.false(messages.some((message) => verifyEd25519(key, message, forged, sha512)), name);
  }
});

test('non-canonical point encodings are refused as keys', (t) => {
  for (const [name, key] of nonCanonical) {
    t.is(ed25519KeyProblem(key), 'it is not the canonical encoding of a point on the curve', name);
    t.false(messages.some((message) => verifyEd25519(key, message, forged, sha512)), name);
  }
});

test('an ordinary key has no problem and still verifies; a wrong length is a problem', (t) => {
  const { raw, privateKey } = keyPair();
  t.is(ed25519KeyProblem(raw), undefined);
  t.true(verifyEd25519(raw, messages[0]!, new Uint8Array(sign(null, messages[0]!, privateKey)), sha512));
  t.is(ed25519KeyProblem(hex('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c')), undefined);
  t.is(ed25519KeyProblem(new Uint8Array(31)), 'it is 31 bytes, not 32');
});
