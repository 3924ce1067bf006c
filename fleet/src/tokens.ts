/**
 * Activation tokens: `<batch-name>.<secret>`, the secret 32 random bytes in
 * base64url. The batch name finds the batch; only the secret's sha256 is
 * stored, so a copy of the database activates nothing. Pure apart from the
 * random bytes and the hash, which take no I/O.
 *
 *   const { token, hash } = newToken('warehouse-3');
 *   parseToken(token) // { batch: 'warehouse-3', secret: '…' }
 */
import { FleetError } from './errors.ts';
import { createHash, randomBytes } from 'node:crypto';

const batchName = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const secretText = /^[A-Za-z0-9_-]{43}$/;

/** Throws unless `name` can be a batch name (it is the token's prefix, so no dots). */
export function checkBatchName(name: string): void {
  if (!batchName.test(name)) throw new FleetError(`batch name: expected letters, digits, _ or - (at most 64, no dots), got ${JSON.stringify(name)}`);
}

/** A new token for a batch and the hash to store. */
export function newToken(batch: string): { token: string; hash: string } {
  checkBatchName(batch);
  const secret = randomBytes(32).toString('base64url');
  return { token: `${batch}.${secret}`, hash: hashSecret(secret) };
}

/** Splits a token; undefined for anything that is not `<batch>.<43 base64url characters>`. */
export function parseToken(token: string): { batch: string; secret: string } | undefined {
  const dot = token.lastIndexOf('.');
  const batch = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (dot < 0 || !batchName.test(batch) || !secretText.test(secret)) return undefined;
  return { batch, secret };
}

/** sha256 of the secret, lower-case hex: what the store keeps and compares. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

const units: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `7d`, `12h`, `30m` to milliseconds; throws naming `where` and the value otherwise. */
export function parseDuration(text: string, where = '--expires'): number {
  const match = /^([1-9]\d{0,5})([mhd])$/.exec(text);
  if (!match) throw new FleetError(`${where}: expected a duration such as 7d, 12h or 30m, got ${JSON.stringify(text)}`);
  return Number(match[1]) * units[match[2]!]!;
}
