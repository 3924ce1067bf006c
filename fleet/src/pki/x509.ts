/**
 * @peculiar/x509 wired to Node's webcrypto, ECDSA P-256 with SHA-256: the one
 * algorithm the whole fleet uses (the devices' mbed TLS is built for it).
 * Importing x509 from here guarantees the provider is set before any call.
 */
// @peculiar/x509's dependency injection (tsyringe) needs the Reflect metadata API before it loads.
import { FleetError } from '../errors.ts';
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
export const ecdsaKey = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const ecdsaSigning = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A fresh P-256 key pair; extractable so it can be written to a PEM file. */
export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ecdsaKey, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** A private key as PKCS#8 PEM, the form Node's TLS and OpenSSL read. */
export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key as webcrypto.CryptoKey);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** A PKCS#8 PEM private key back to a signing key; `file` names it in the error. */
export async function privateKeyFromPem(pem: string, file: string): Promise<CryptoKey> {
  try {
    const der = x509.PemConverter.decode(pem)[0];
    if (!der) throw new FleetError('no PEM block');
    return (await webcrypto.subtle.importKey('pkcs8', der, ecdsaKey, false, ['sign'])) as CryptoKey;
  } catch (error) {
    throw new FleetError(`${file}: expected an ECDSA P-256 private key (PKCS#8 PEM): ${(error as Error).message}`, { cause: error });
  }
}

/** A random, positive 16-byte certificate serial in hex (RFC 5280 allows up to 20). */
export function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  // A set second-highest bit keeps the DER integer positive and exactly 16 bytes.
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return Buffer.from(bytes).toString('hex');
}

/** `from` plus whole years, for validity periods. */
export function addYears(from: Date, years: number): Date {
  const date = new Date(from.getTime());
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date;
}
