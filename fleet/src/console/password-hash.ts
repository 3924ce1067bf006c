/**
 * Operator passwords for the web console, hashed with scrypt (node:crypto:
 * nothing to install, and memory-hard, so a stolen database is slow to
 * guess from). The stored form carries its own parameters and salt:
 *
 *   scrypt$16$8$1$<salt base64>$<key base64>      (N = 2^16, r = 8, p = 1)
 *
 *   const stored = await hashPassword('correct horse battery');
 *   await verifyPassword('correct horse battery', stored);   // true
 *
 * N = 2^16 takes about 0.4 s and 64 MiB: slow for a guesser, still quick for a
 * person signing in. At most two hashes run at once, so a burst of sign-ins
 * cannot take the server's memory.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const costLog2 = 16;
const blockSize = 8;
const parallel = 1;
const keyBytes = 32;
const maxRunning = 2;

let running = 0;
const waiting: (() => void)[] = [];

async function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  if (running >= maxRunning) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    // maxmem: scrypt needs 128 * N * r bytes; Node's default allows only 32 MiB.
    return await new Promise((resolve, reject) =>
      scrypt(password.normalize('NFC'), salt, keyBytes, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) => (error ? reject(error) : resolve(key))),
    );
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** A new salted hash of `password`, in the stored form above. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N: 2 ** costLog2, r: blockSize, p: parallel });
  return ['scrypt', costLog2, blockSize, parallel, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * Whether `password` matches `stored` (compared in constant time). A stored
 * value that is not one of ours (or absent) matches nothing, but still costs
 * one hash, so an unknown account answers as slowly as a known one.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const parts = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]{4,64})\$([A-Za-z0-9+/=]{4,128})$/.exec(stored ?? '');
  const fits = parts !== null && Number(parts[1]) >= 10 && Number(parts[1]) <= 20 && Number(parts[2]) >= 1 && Number(parts[3]) >= 1 && Number(parts[2]) * Number(parts[3]) <= 64;
  const [N, r, p, salt, expected] = fits
    ? [2 ** Number(parts[1]), Number(parts[2]), Number(parts[3]), Buffer.from(parts[4]!, 'base64'), Buffer.from(parts[5]!, 'base64')]
    : [2 ** costLog2, blockSize, parallel, Buffer.alloc(16), Buffer.alloc(keyBytes)];
  const key = await derive(password, salt, { N, r, p });
  return fits && key.length === expected.length && timingSafeEqual(key, expected);
}
