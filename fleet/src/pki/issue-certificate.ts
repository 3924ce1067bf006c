/**
 * Signs a leaf certificate with the fleet CA: the one place the extensions
 * every leaf shares (not a CA, digital signature, key ids) are set, so the
 * server, device and operator certificates differ only in what they must.
 */
import type { FleetCa } from './fleet-ca.ts';
import { addYears, ecdsaSigning, randomSerial, x509 } from './x509.ts';

/**
 * Certificates start an hour before they are made: a device whose clock was
 * set from NTP a moment ago can be a little behind the server, and would
 * otherwise refuse its brand-new certificate as "not yet valid".
 */
export const backdateMs = 60 * 60 * 1000;

export interface LeafRequest {
  subject: string;
  publicKey: x509.PublicKey | CryptoKey;
  years: number;
  usage: 'serverAuth' | 'clientAuth';
  extensions?: x509.Extension[];
}

/** A leaf certificate signed by `ca`, valid from an hour before `now` for `years`, with a random 16-byte serial. */
export async function issueCertificate(ca: FleetCa, request: LeafRequest, now = new Date()): Promise<x509.X509Certificate> {
  const notAfter = addYears(now, request.years);
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: request.subject,
    issuer: ca.certificate.subject,
    notBefore: new Date(now.getTime() - backdateMs),
    // A leaf never outlives its CA: a peer would refuse the chain past that date anyway.
    notAfter: notAfter > ca.certificate.notAfter ? ca.certificate.notAfter : notAfter,
    publicKey: request.publicKey,
    signingKey: ca.key,
    signingAlgorithm: ecdsaSigning,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage[request.usage]]),
      await x509.SubjectKeyIdentifierExtension.create(request.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.certificate),
      ...(request.extensions ?? []),
    ],
  });
}
