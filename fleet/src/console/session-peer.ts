/**
 * The web console's way in to the operator routes: where an operator's CLI
 * shows a client certificate, a browser shows its session cookie, and on
 * anything but a GET the session's CSRF token in the `x-imago-csrf` header
 * (another site can make the browser send the cookie, never that header).
 * The operator is looked up at every request, so a revoked operator's
 * sessions stop at once.
 */
import type { IncomingMessage } from 'node:http';
import type { Peer } from '../pki/peer-role.ts';
import type { ServerContext } from '../server/context.ts';
import { HttpError } from '../server/http-io.ts';
import { csrfHeader, csrfMatches, hashSessionId, readSessionCookie } from './session-token.ts';

/** An operator signed in to the console; `session` tells the console routes which session it is. */
export type SessionPeer = Peer & { session: { id: string; idHash: string; expiresAt: number } };

/** The signed-in operator behind the request's cookie; undefined when there is no cookie; HttpError 401/403 when it does not let them in. */
export async function sessionPeer(ctx: ServerContext, req: IncomingMessage): Promise<SessionPeer | undefined> {
  const id = readSessionCookie(req.headers.cookie);
  if (id === undefined) return undefined;
  const idHash = hashSessionId(id);
  const session = await ctx.store.getSession(idHash, ctx.now());
  if (!session) throw new HttpError(401, 'console session: signed out or expired; sign in again');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const given = req.headers[csrfHeader];
    if (!csrfMatches(id, typeof given === 'string' ? given : undefined)) throw new HttpError(403, `console session: the ${csrfHeader} header is missing or wrong (expected the token given at sign-in)`);
  }
  const operator = await ctx.store.getOperator(session.operator);
  if (!operator?.passwordHash) throw new HttpError(401, `console session: operator ${session.operator} can no longer sign in`);
  if (operator.revokedAt !== undefined) throw new HttpError(403, `operator ${operator.name} is revoked`);
  // A session is not a certificate: its serial is empty, and nothing reads it for a session.
  return { role: 'operator', name: operator.name, serial: '', session: { id, idHash, expiresAt: session.expiresAt } };
}
