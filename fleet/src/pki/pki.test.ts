import test from 'ava';
import { X509Certificate } from 'node:crypto';
import { createFleetCa } from './fleet-ca.ts';
import { CsrError, signDeviceCertificate } from './device-certificate.ts';
import { issueOperatorCertificate } from './operator-certificate.ts';
import { peerRole } from './peer-role.ts';
import { issueServerCertificate } from './server-certificate.ts';
import { ecdsaKey, ecdsaSigning, generateKeyPair, x509 } from './x509.ts';

async function deviceCsr(subject = 'CN=anything'): Promise<{ pem: string; keys: CryptoKeyPair }> {
  const keys = await generateKeyPair();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: subject, keys, signingAlgorithm: ecdsaSigning });
  return { pem: csr.toString('pem'), keys };
}

test('the fleet CA is a P-256 CA certificate valid for 10 years', async (t) => {
  const now = new Date('2026-01-01T00:00:00Z');
  const ca = await createFleetCa(now);
  const node = new X509Certificate(ca.certificatePem);
  t.true(node.ca);
  t.is(node.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  t.is(new Date(node.validTo).getUTCFullYear(), 2036);
  t.true(ca.keyPem.startsWith('-----BEGIN PRIVATE KEY-----'));
});

test('the server certificate names every address (IPs as IP SANs, names as DNS SANs) plus loopback, for serverAuth', async (t) => {
  const ca = await createFleetCa();
  const server = await issueServerCertificate(ca, ['10.0.0.5', 'fleet.example.internal', 'fd00::1']);
  const node = new X509Certificate(server.certificatePem);
  t.is(node.subjectAltName, 'IP Address:10.0.0.5, DNS:fleet.example.internal, IP Address:FD00:0:0:0:0:0:0:1, IP Address:127.0.0.1, DNS:localhost');
  t.deepEqual(node.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  t.true(node.verify(new X509Certificate(ca.certificatePem).publicKey));
  t.is(node.checkHost('fleet.example.internal'), 'fleet.example.internal');
});

test('a device certificate from its CSR: CN = device id, OU = device, clientAuth, 5 years, 16-byte serial, the CSR key', async (t) => {
  const now = new Date('2026-03-01T00:00:00Z');
  const ca = await createFleetCa(now);
  const { pem, keys } = await deviceCsr();
  const signed = await signDeviceCertificate(ca, pem, 'dev-42', now);
  const node = new X509Certificate(signed.certificatePem);
  t.is(node.subject, 'CN=dev-42\nOU=device\nO=imago fleet');
  t.deepEqual(node.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  t.is(new Date(node.validTo).getUTCFullYear(), 2031);
  t.is(signed.serial.length, 32);
  t.is(signed.serial, node.serialNumber.toLowerCase());
  const certKey = await new x509.X509Certificate(signed.certificatePem).publicKey.export(ecdsaKey, ['verify']);
  const spki = async (k: CryptoKey) => Buffer.from(await crypto.subtle.exportKey('spki', k)).toString('hex');
  t.is(await spki(certKey), await spki(keys.publicKey));
  t.deepEqual(peerRole(node.raw, new X509Certificate(ca.certificatePem), now), { role: 'device', name: 'dev-42', serial: signed.serial });
});

test('a CSR whose signature does not match its key is refused', async (t) => {
  const ca = await createFleetCa();
  const { pem } = await deviceCsr();
  const der = Buffer.from(x509.PemConverter.decode(pem)[0]!);
  der[der.length - 5]! ^= 0xff; // inside the signature
  const tampered = x509.PemConverter.encode(der, 'CERTIFICATE REQUEST');
  await t.throwsAsync(signDeviceCertificate(ca, tampered, 'dev-1'), { instanceOf: CsrError });
  await t.throwsAsync(signDeviceCertificate(ca, 'not a csr', 'dev-1'), { instanceOf: CsrError, message: /activate\.csr: expected a PKCS#10/ });
});

test('peerRole: an operator; refusals for no certificate, another CA, a self-signed one, a server certificate, an expired one', async (t) => {
  const now = new Date('2026-03-01T00:00:00Z');
  const ca = await createFleetCa(now);
  const caNode = new X509Certificate(ca.certificatePem);
  const operator = await issueOperatorCertificate(ca, 'alice', now);
  t.deepEqual(peerRole(new X509Certificate(operator.certificatePem).raw, caNode, now), { role: 'operator', name: 'alice', serial: operator.serial });
  t.deepEqual(peerRole(undefined, caNode, now), { refused: 'no-certificate' });
  const otherCa = await createFleetCa(now);
  const foreign = await issueOperatorCertificate(otherCa, 'alice', now);
  t.deepEqual(peerRole(new X509Certificate(foreign.certificatePem).raw, caNode, now), { refused: 'not-our-ca' });
  const selfSigned = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=alice, OU=operator, O=imago fleet', keys: await generateKeyPair(), signingAlgorithm: ecdsaSigning });
  t.deepEqual(peerRole(Buffer.from(selfSigned.rawData), caNode, now), { refused: 'not-our-ca' });
  const server = await issueServerCertificate(ca, [], now);
  t.deepEqual(peerRole(new X509Certificate(server.certificatePem).raw, caNode, now), { refused: 'not-a-client' });
  t.deepEqual(peerRole(new X509Certificate(operator.certificatePem).raw, caNode, new Date('2029-01-01T00:00:00Z')), { refused: 'expired' });
});
