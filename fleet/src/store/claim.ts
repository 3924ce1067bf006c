/**
 * The rules of an activation claim, shared by both backends so they refuse
 * for the same reasons in the same order. The backend holds the batch's row
 * locked (SQLite: an immediate transaction; PostgreSQL: SELECT ... FOR UPDATE)
 * while it asks, so the count read here is the count it then raises.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Batch, ClaimRefusal } from './store.ts';

/** Compares two hex hashes in constant time: the token's secret part must not leak through timing. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Why a claim on this batch is refused before its count or serials are looked at; undefined when it may go on. */
export function refuseBeforeCount(batch: Pick<Batch, 'tokenHash' | 'expiresAt' | 'revokedAt'>, tokenHash: string, now: number): ClaimRefusal | undefined {
  if (!hashesEqual(batch.tokenHash, tokenHash)) return 'wrong-token';
  if (batch.revokedAt !== undefined) return 'revoked';
  if (now >= batch.expiresAt) return 'expired';
  return undefined;
}
