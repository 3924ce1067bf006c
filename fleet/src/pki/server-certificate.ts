/**
 * The fleet server's certificate: its SANs are every address a device or an
 * operator may dial (from `fleet init --address`) plus the loopback ones, IPs
 * as iPAddress and names as dNSName, since TLS clients check them by kind.
 */
import { isIP } from 'node:net';
import type { FleetCa } from './fleet-ca.ts';
import { issueCertificate } from './issue-certificate.ts';
import { subjectFor } from './names.ts';
import { generateKeyPair, privateKeyToPem, x509 } from './x509.ts';

/** The SAN list for `addresses` (host names or IPs, no ports), loopback added, duplicates dropped. */
export function serverAltNames(addresses: string[]): x509.JsonGeneralNames {
  const unique = [...new Set([...addresses, '127.0.0.1', 'localhost'])];
  return unique.map((address) => (isIP(address) ? { type: 'ip' as const, value: address } : { type: 'dns' as const, value: address }));
}

/** A new server key and certificate (5 years), both PEM. */
export async function issueServerCertificate(ca: FleetCa, addresses: string[], now = new Date()): Promise<{ certificatePem: string; keyPem: string }> {
  const keys = await generateKeyPair();
  const certificate = await issueCertificate(
    ca,
    { subject: subjectFor('server', 'imago-fleet-server'), publicKey: keys.publicKey, years: 5, usage: 'serverAuth', extensions: [new x509.SubjectAlternativeNameExtension(serverAltNames(addresses))] },
    now,
  );
  return { certificatePem: certificate.toString('pem'), keyPem: await privateKeyToPem(keys.privateKey) };
}
