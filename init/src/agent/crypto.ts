/** The key and certificate operations of imago:tls the agent's logic uses, as a seam for tests. */
export interface AgentCrypto {
  generateKey(): string;
  createCsr(keyPem: string, subject: string): string;
  certificateInfo(pem: string): { subject: string; issuer: string; serial: string; notBefore: number; notAfter: number };
  /** '' when valid against the CA now, else why not. */
  verifyCertificate(certPem: string, caPem: string): string;
  /** Whether the certificate carries the public half of the key. */
  keyMatches(certPem: string, keyPem: string): boolean;
}
