/**
 * The rules both store backends apply the same way, kept pure so the SQLite
 * and PostgreSQL stores cannot drift apart: how ids look, how a token hash is
 * compared, which refusal an activation claim gets, and how many log lines a
 * stream keeps.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Batch, ClaimRefusal } from './store.ts';

/** Lines kept per log stream: a followed stream is read as it arrives, older lines only matter for a late reader. */
export const logLinesKept = 10_000;

/** A store-made id: a prefix a person can read (`cmd`, `log`) and 16 random hex digits, unique without a counter shared between processes. */
export function newStoreId(prefix: string): string {
  return `${prefix}-${randomBytes(8).toString('hex')}`;
}

/** Compares in constant time so a wrong token's hash tells nothing about the right one; hashes of another length are simply unequal. */
export function sameTokenHash(stored: string, offered: string): boolean {
  const a = Buffer.from(stored, 'utf8');
  const b = Buffer.from(offered, 'utf8');
  const equal = timingSafeEqual(a, a.length === b.length ? b : a);
  return a.length === b.length && equal;
}

/**
 * Why `batch` refuses a claim now, or undefined when it may be taken.
 * `serialUsed` tells whether the offered serial already activated a device.
 * The caller holds the batch locked (a transaction) between this check and counting the use.
 */
export function claimRefusal(batch: Batch | undefined, tokenHash: string, serial: string | undefined, serialUsed: boolean, now: number): ClaimRefusal | undefined {
  if (!batch) return 'unknown-batch';
  if (!sameTokenHash(batch.tokenHash, tokenHash)) return 'wrong-token';
  if (batch.revokedAt !== undefined) return 'revoked';
  if (now > batch.expiresAt) return 'expired';
  if (batch.serials !== undefined) {
    if (serial === undefined || !batch.serials.includes(serial)) return 'serial-not-registered';
    if (serialUsed) return 'serial-used';
  }
  if (batch.maxDevices !== undefined && batch.used >= batch.maxDevices) return 'used-up';
  return undefined;
}
