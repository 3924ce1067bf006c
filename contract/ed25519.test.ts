import test from 'ava';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { verifyEd25519 } from './ed25519.ts';

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
