/**
 * A device's certificate, signed from the CSR it sent at activation. The
 * device made its own key and never sends it; the CSR's signature proves it
 * holds that key, so a CSR copied from another device is refused.
 */
import { createHash } from 'node:crypto';
import type { FleetCa } from './fleet-ca.ts';
import { issueCertificate } from './issue-certificate.ts';
import { subjectFor } from './names.ts';
import { x509 } from './x509.ts';

export class CsrError extends Error {
  override name = 'CsrError';
}

/** The CSR's public key once its own signature checks out; CsrError for anything else. */
export async function readCsr(csrPem: string): Promise<x509.PublicKey> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch {
    throw new CsrError('activate.csr: expected a PKCS#10 certificate request in PEM');
  }
  const algorithm = csr.publicKey.algorithm as EcKeyAlgorithm;
  if (algorithm.name !== 'ECDSA' || algorithm.namedCurve !== 'P-256') throw new CsrError('activate.csr: expected an ECDSA P-256 key');
  let valid = false;
  try {
    valid = await csr.verify();
  } catch {
    valid = false;
  }
  if (!valid) throw new CsrError("activate.csr: the request's signature does not match its key");
  return csr.publicKey;
}

/**
 * The device id its key gives: `d-` and 12 hex characters of the key's
 * SHA-256. A device that asks again with the key it activated with (its reply
 * was lost, or it refused the certificate) is the same device, not a new one.
 */
export function deviceIdForKey(publicKey: x509.PublicKey): string {
  return `d-${createHash('sha256').update(new Uint8Array(publicKey.rawData)).digest('hex').slice(0, 12)}`;
}

/** Signs a device certificate from its CSR (checked by readCsr); returns its PEM and serial. */
export async function signDeviceCertificate(ca: FleetCa, csrPem: string, deviceId: string, now = new Date()): Promise<{ certificatePem: string; serial: string }> {
  return signDeviceKey(ca, await readCsr(csrPem), deviceId, now);
}

/** Signs a device certificate (CN = device id, OU = device, 5 years, clientAuth) for a key readCsr has already checked. */
export async function signDeviceKey(ca: FleetCa, publicKey: x509.PublicKey, deviceId: string, now = new Date()): Promise<{ certificatePem: string; serial: string }> {
  const certificate = await issueCertificate(ca, { subject: subjectFor('device', deviceId), publicKey: await publicKey.export(), years: 5, usage: 'clientAuth' }, now);
  return { certificatePem: certificate.toString('pem'), serial: certificate.serialNumber.toLowerCase() };
}
