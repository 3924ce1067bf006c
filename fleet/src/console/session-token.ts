/**
 * The web console's session id and what is made from it. The id (32 random
 * bytes) lives only in the browser's cookie; the store keeps its sha256; the
 * CSRF token is an HMAC of the id, so the server checks it without keeping it
 * and a page that lost it (a reload) can ask for it again with the cookie.
 *
 * The cookie is `__Host-` prefixed: the browser then accepts it only with
 * Secure, Path=/ and no Domain, so no other host or path can set or shadow it.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const sessionCookieName = '__Host-imago-session';
/** The header the console sends its CSRF token in on every POST. */
export const csrfHeader = 'x-imago-csrf';
/** A session ends 12 hours after sign-in, whatever happens in between. */
export const sessionLifetimeMs = 12 * 3600_000;

export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** What the store keeps instead of the id. */
export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

export function csrfToken(id: string): string {
  return createHmac('sha256', id).update('imago console csrf').digest('base64url');
}

/** Whether `given` is the CSRF token of session `id`, compared in constant time. */
export function csrfMatches(id: string, given: string | undefined): boolean {
  const expected = Buffer.from(csrfToken(id));
  const actual = Buffer.from(given ?? '');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The session id from a Cookie header, if it holds one of the right shape. */
export function readSessionCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === sessionCookieName && value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value)) return value;
  }
  return undefined;
}

/** Set-Cookie for a new session; `maxAgeSeconds` 0 clears it (sign-out). */
export function sessionCookie(id: string, maxAgeSeconds: number): string {
  return `${sessionCookieName}=${id}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}`;
}
