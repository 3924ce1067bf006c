/**
 * The per-route access check: the TLS handshake lets any client through (so a
 * device can activate without a certificate); here the route's required role
 * is matched against the peer certificate, and the store is asked at every
 * request whether that device or operator is still allowed, so a revocation
 * takes effect at the peer's next request. An operator route also lets in
 * a browser signed in to the web console (console/session-peer.ts) when no
 * certificate is shown.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { peerRole, type Peer } from '../pki/peer-role.ts';
import { sessionPeer, type SessionPeer } from '../console/session-peer.ts';
import type { Access, ServerContext } from './context.ts';
import { HttpError } from './http-io.ts';

const refusalText = {
  'no-certificate': 'no client certificate: this route needs a fleet certificate',
  'not-our-ca': 'client certificate not issued by this fleet',
  expired: 'client certificate expired or not yet valid',
  'not-a-client': 'client certificate is not a device or operator certificate',
} as const;

/** The checked peer for `access`; HttpError 401 (no or unknown certificate) or 403 (wrong role, revoked). */
export async function checkPeer(ctx: ServerContext, req: IncomingMessage, access: Access): Promise<Peer | SessionPeer | undefined> {
  if (access === 'anyone') return undefined;
  const raw = (req.socket as TLSSocket).getPeerCertificate?.()?.raw;
  if (access === 'operator' && !raw?.length) {
    const signedIn = await sessionPeer(ctx, req);
    if (signedIn) return signedIn;
  }
  const peer = peerRole(raw, ctx.fleet.caNode, new Date(ctx.now()));
  if ('refused' in peer) throw new HttpError(peer.refused === 'not-a-client' ? 403 : 401, refusalText[peer.refused]);
  if (peer.role !== access) throw new HttpError(403, `a ${peer.role} certificate cannot use this route (it needs a ${access} certificate)`);
  if (access === 'device') {
    const device = await ctx.store.getDeviceByCertSerial(peer.serial);
    if (!device || device.id !== peer.name) throw new HttpError(401, 'device certificate not known to this fleet');
    if (device.revokedAt !== undefined) throw new HttpError(403, `device ${device.id} is revoked`);
  } else {
    const operator = await ctx.store.getOperatorByCertSerial(peer.serial);
    if (!operator || operator.name !== peer.name) throw new HttpError(401, 'operator certificate not known to this fleet');
    if (operator.revokedAt !== undefined) throw new HttpError(403, `operator ${operator.name} is revoked`);
  }
  return peer;
}
