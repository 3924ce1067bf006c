/**
 * The agent's crypto and TLS from imago:tls (the agent binary's C module).
 * The only file that imports it, so the logic stays testable on Node.
 */
import * as tls from 'imago:tls';
import type { AgentCrypto } from './crypto.ts';
import type { TlsApi } from './tls-connection.ts';

export const quickjsTls: TlsApi = tls;

export const quickjsCrypto: AgentCrypto = {
  generateKey: () => tls.generateKey(),
  createCsr: (key, subject) => tls.createCsr(key, subject),
  certificateInfo: (pem) => tls.certificateInfo(pem),
  verifyCertificate: (cert, ca) => tls.verifyCertificate(cert, ca),
  keyMatches(cert, key) {
    // A file that does not parse is no match either: the device then activates again.
    try {
      return tls.keyMatches(cert, key);
    } catch {
      return false;
    }
  },
};
