/**
 * Sys hashing from node:crypto, for unit tests that give a FakeSys real
 * digests (signed bundles, installers). Node only: the init on the device
 * hashes through its native module (quickjs.ts).
 */
import { createHash } from 'node:crypto';
import type { Hashing } from '../src/sys/sys.ts';

export const nodeHashing: Hashing = {
  sha256() {
    const hash = createHash('sha256');
    return { update: (data) => void hash.update(data), digest: () => new Uint8Array(hash.digest()) };
  },
  sha512: (data) => new Uint8Array(createHash('sha512').update(data).digest()),
};
