/**
 * The fleet CA: one self-signed ECDSA P-256 certificate, 10 years, that signs
 * the server's, the devices' and the operators' certificates. Its key lives
 * only in the fleet folder (ca.key, 0600).
 *
 *   const ca = await createFleetCa();         // new fleet
 *   const ca = await loadFleetCa(pem, key, 'DIR/ca.key');
 */
import { addYears, ecdsaSigning, generateKeyPair, privateKeyFromPem, privateKeyToPem, randomSerial, x509 } from './x509.ts';
import { backdateMs } from './issue-certificate.ts';
import { fleetOrganization } from './names.ts';

export interface FleetCa {
  certificate: x509.X509Certificate;
  key: CryptoKey;
  certificatePem: string;
}

/** A new CA with its key as PEM (to be written once, 0600). */
export async function createFleetCa(now = new Date()): Promise<FleetCa & { keyPem: string }> {
  const keys = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=imago fleet CA, O=${fleetOrganization}`,
    notBefore: new Date(now.getTime() - backdateMs),
    notAfter: addYears(now, 10),
    keys,
    signingAlgorithm: ecdsaSigning,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate, key: keys.privateKey, certificatePem: certificate.toString('pem'), keyPem: await privateKeyToPem(keys.privateKey) };
}

/** The CA from its PEM files; `keyFile` names the key in errors. */
export async function loadFleetCa(certificatePem: string, keyPem: string, keyFile: string): Promise<FleetCa> {
  return { certificate: new x509.X509Certificate(certificatePem), key: await privateKeyFromPem(keyPem, keyFile), certificatePem };
}
