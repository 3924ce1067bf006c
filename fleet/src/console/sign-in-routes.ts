/**
 * Signing in to and out of the web console:
 *
 *   POST /console/sign-in    {"operator","password"} (JSON only); sets the session
 *                            cookie and answers {operator, csrf, expiresAt}
 *   GET  /console/session    the same answer for the cookie's session (a reloaded
 *                            page gets its CSRF token back); 401 without one
 *   POST /console/sign-out   ends the session (cookie and CSRF header needed)
 *
 * Failed sign-ins are limited per account and per address (sign-in-limit.ts)
 * and answered 429 with Retry-After once over; a wrong name and a wrong
 * password get the same answer in about the same time.
 */
import type { RouteCall } from '../server/context.ts';
import { HttpError, sendJson } from '../server/http-io.ts';
import { ProtocolError } from '../../../contract/index.ts';
import { readMessage } from '../server/read-message.ts';
import { verifyPassword } from './password-hash.ts';
import type { SessionPeer } from './session-peer.ts';
import { csrfToken, hashSessionId, newSessionId, sessionCookie, sessionLifetimeMs } from './session-token.ts';

interface SignInRequest {
  operator: string;
  password: string;
}

function parseSignIn(value: unknown): SignInRequest {
  const o = value as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new ProtocolError('sign-in: expected an object {"operator","password"}');
  if (typeof o.operator !== 'string' || o.operator.length === 0 || o.operator.length > 128) throw new ProtocolError('sign-in.operator: expected an operator name');
  if (typeof o.password !== 'string' || o.password.length === 0 || o.password.length > 1024) throw new ProtocolError('sign-in.password: expected a password of 1 to 1024 characters');
  return { operator: o.operator, password: o.password };
}

function sessionAnswer(operator: string, id: string, expiresAt: number) {
  return { operator, csrf: csrfToken(id), expiresAt };
}

export async function signIn({ ctx, req, res }: RouteCall): Promise<void> {
  // JSON only: a cross-site HTML form cannot send it, so no other site can sign a browser in.
  if (!/^application\/json\b/.test(String(req.headers['content-type'] ?? ''))) throw new HttpError(415, 'sign-in: expected content-type application/json');
  const request = await readMessage(req, 'sign-in', parseSignIn, 4096);
  const account = `account:${request.operator}`;
  const keys = [account, `address:${req.socket.remoteAddress ?? '?'}`];
  const wait = ctx.signInLimit.retryAfter(keys, ctx.now());
  if (wait > 0) {
    res.setHeader('retry-after', String(wait));
    throw new HttpError(429, `sign-in: too many failed attempts; try again in ${wait} s`);
  }
  const operator = await ctx.store.getOperator(request.operator);
  const passwordOk = await verifyPassword(request.password, operator?.passwordHash);
  if (!operator || !passwordOk || operator.revokedAt !== undefined) {
    ctx.signInLimit.fail(keys, ctx.now());
    ctx.log(`fleet: console sign-in refused for ${JSON.stringify(request.operator.slice(0, 64))} from ${req.socket.remoteAddress}`);
    throw new HttpError(401, 'sign-in: wrong operator name or password');
  }
  ctx.signInLimit.succeed(account);
  const id = newSessionId();
  const now = ctx.now();
  const expiresAt = now + sessionLifetimeMs;
  await ctx.store.createSession({ idHash: hashSessionId(id), operator: operator.name, createdAt: now, expiresAt }, now);
  await ctx.store.addAudit({ at: now, operator: operator.name, action: 'sign-in', detail: { address: req.socket.remoteAddress } });
  res.setHeader('set-cookie', sessionCookie(id, Math.floor(sessionLifetimeMs / 1000)));
  sendJson(res, 200, sessionAnswer(operator.name, id, expiresAt));
}

function sessionOf(call: RouteCall): SessionPeer['session'] {
  const session = (call.peer as SessionPeer | undefined)?.session;
  if (!session) throw new HttpError(400, 'console: this route is for a signed-in browser, not a certificate');
  return session;
}

export async function currentSession(call: RouteCall): Promise<void> {
  const session = sessionOf(call);
  sendJson(call.res, 200, sessionAnswer(call.peer!.name, session.id, session.expiresAt));
}

export async function signOut(call: RouteCall): Promise<void> {
  const session = sessionOf(call);
  await call.ctx.store.deleteSession(session.idHash);
  await call.ctx.store.addAudit({ at: call.ctx.now(), operator: call.peer!.name, action: 'sign-out' });
  call.res.setHeader('set-cookie', sessionCookie('', 0));
  sendJson(call.res, 200, { signedOut: call.peer!.name });
}
