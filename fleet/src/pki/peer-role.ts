/**
 * Who is on the other end of a TLS connection: the server asks for a client
 * certificate but lets the handshake through without one (activation needs
 * none), so every route decides here, from the certificate alone, whether
 * the peer is a device or an operator of this fleet. The store then decides
 * whether that device or operator is still allowed (revocation).
 */
import { X509Certificate } from 'node:crypto';
import { readSubject } from './names.ts';

export type Peer = { role: 'device' | 'operator'; name: string; serial: string };
export type PeerRefusal = 'no-certificate' | 'not-our-ca' | 'expired' | 'not-a-client';

const clientAuth = '1.3.6.1.5.5.7.3.2';

/**
 * Reads a peer certificate (DER, as `socket.getPeerCertificate().raw`)
 * against the fleet CA; a refusal says why it is not a fleet client.
 */
export function peerRole(der: Buffer | undefined, ca: X509Certificate, now = new Date()): Peer | { refused: PeerRefusal } {
  if (!der || der.length === 0) return { refused: 'no-certificate' };
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch {
    return { refused: 'not-our-ca' };
  }
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) return { refused: 'not-our-ca' };
  if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) return { refused: 'expired' };
  const subject = readSubject(certificate.subject);
  if (!subject || subject.role === 'server' || !(certificate.keyUsage ?? []).includes(clientAuth)) return { refused: 'not-a-client' };
  return { role: subject.role, name: subject.name, serial: certificate.serialNumber.toLowerCase() };
}
