/**
 * The device's identity: its private key (mode 0600) and the certificate the
 * fleet CA signed, kept in the config's stateDir (on /data when persistent,
 * under /run when ephemeral, which the config already chose). A stored
 * identity is reused only when the certificate verifies against the pinned
 * CA and carries this key; otherwise the device activates again.
 */
import type { AgentCrypto } from './crypto.ts';
import { writeFileAtomic, type AgentFiles } from './deps.ts';

export interface Identity {
  deviceId: string;
  cert: string;
  key: string;
}

export function identityPaths(stateDir: string) {
  return { key: `${stateDir}/device.key`, cert: `${stateDir}/device.crt`, deviceId: `${stateDir}/device-id` };
}

/** The stored identity, or why it cannot be used. */
export function loadIdentity(files: AgentFiles, crypto: AgentCrypto, stateDir: string, caPem: string): Identity | { problem: string } {
  const paths = identityPaths(stateDir);
  const key = files.readText(paths.key);
  const cert = files.readText(paths.cert);
  const deviceId = files.readText(paths.deviceId)?.trim();
  if (key === undefined || cert === undefined || !deviceId) return { problem: 'no stored identity' };
  const why = crypto.verifyCertificate(cert, caPem);
  if (why) return { problem: `the stored certificate ${paths.cert} is not valid against the fleet CA: ${why}` };
  if (!crypto.keyMatches(cert, key)) return { problem: `the stored certificate ${paths.cert} does not match the key ${paths.key}` };
  return { deviceId, cert, key };
}

/** A new key, written 0600 before any request leaves the device. */
export function newKey(files: AgentFiles, crypto: AgentCrypto, stateDir: string): string {
  const key = crypto.generateKey();
  files.mkdirs(stateDir, 0o700);
  writeFileAtomic(files, identityPaths(stateDir).key, key, 0o600);
  return key;
}

export function saveIdentity(files: AgentFiles, stateDir: string, identity: Identity): void {
  const paths = identityPaths(stateDir);
  writeFileAtomic(files, paths.cert, identity.cert, 0o644);
  writeFileAtomic(files, paths.deviceId, `${identity.deviceId}\n`, 0o644);
}
