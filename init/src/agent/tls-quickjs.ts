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
  keyMatches(cert, key, ca) {
    // newSession refuses a certificate whose public key is not the key's; no socket is touched
    // before a handshake, so an fd of -1 is never used.
    try {
      const session = tls.newSession(-1, { ca, hostname: 'check', cert, key });
      session.close();
      return true;
    } catch {
      return false;
    }
  },
};
