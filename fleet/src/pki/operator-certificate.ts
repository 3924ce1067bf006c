/**
 * An operator's certificate (CN = name, OU = operator, clientAuth, 2 years):
 * what `imago fleet operator add` puts in the operator's profile. The key is
 * made here, since the profile carries it to the operator.
 */
import type { FleetCa } from './fleet-ca.ts';
import { issueCertificate } from './issue-certificate.ts';
import { subjectFor } from './names.ts';
import { generateKeyPair, privateKeyToPem } from './x509.ts';

/** A new operator key and certificate, both PEM, and the certificate's serial. */
export async function issueOperatorCertificate(ca: FleetCa, name: string, now = new Date()): Promise<{ certificatePem: string; keyPem: string; serial: string }> {
  const keys = await generateKeyPair();
  const certificate = await issueCertificate(ca, { subject: subjectFor('operator', name), publicKey: keys.publicKey, years: 2, usage: 'clientAuth' }, now);
  return { certificatePem: certificate.toString('pem'), keyPem: await privateKeyToPem(keys.privateKey), serial: certificate.serialNumber.toLowerCase() };
}
