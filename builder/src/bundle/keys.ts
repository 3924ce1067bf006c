/**
 * Ed25519 signing keys for update bundles. The private key is a PKCS#8 PEM file
 * (mode 0600); the public key is one line, `ed25519 <64 hex digits>`, which a
 * spec's `update.keys` lists and the image embeds.
 *
 * ```ts
 * const pair = generateKeys();              // { privatePem, publicLine, id }
 * const key = parsePublicKey(await readFile('release.pub', 'utf8'), 'release.pub');
 * ```
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ed25519KeyProblem, type TrustedKey } from '../../../contract/index.ts';
import { KeyFileError } from '../errors.ts';

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key follows it. */
const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');

/** A key id: the first 16 hex digits of the sha256 of the raw public key. */
export function keyId(rawHex: string): string {
  return createHash('sha256').update(Buffer.from(rawHex, 'hex')).digest('hex').slice(0, 16);
}

/** The raw public key (hex) of a node:crypto key object. */
export function rawPublicKey(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).subarray(spkiPrefix.length).toString('hex');
}

/** A new key pair: the private key as PEM, the public key file's line, and its id. */
export function generateKeys(): { privatePem: string; publicLine: string; id: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return { privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicLine: `ed25519 ${raw}\n`, id: keyId(raw) };
}

/**
 * Parses a public key file. Throws KeyFileError naming the file when it is not
 * one, or when the key is one a device must never trust (small order or not canonical).
 */
export function parsePublicKey(text: string, file: string): TrustedKey {
  const match = /^ed25519 ([0-9a-f]{64})\s*$/.exec(text.trim());
  if (!match) throw new KeyFileError(`${file}: not an imago public key: expected one line "ed25519 <64 hex digits>" (made by imago keygen)`);
  const problem = ed25519KeyProblem(Buffer.from(match[1]!, 'hex'));
  if (problem) throw new KeyFileError(`${file}: not a usable ed25519 public key: ${problem}; make a key pair with imago keygen`);
  return { id: keyId(match[1]!), publicKey: match[1]! };
}

/** Parses a private key file (PKCS#8 PEM, Ed25519). Throws KeyFileError naming the file. */
export function parsePrivateKey(text: string, file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (error) {
    throw new KeyFileError(`${file}: not a private key in PEM form (made by imago keygen)`, { cause: error });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyFileError(`${file}: a ${key.asymmetricKeyType} key; imago signs with ed25519`);
  return key;
}

/** The trusted-key record of a private key's public half. */
export function publicOf(privateKey: KeyObject): TrustedKey {
  const raw = rawPublicKey(createPublicKey(privateKey));
  return { id: keyId(raw), publicKey: raw };
}

export { spkiPrefix };
