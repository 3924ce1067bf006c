/**
 * The routes a device's agent calls (contract/fleet-protocol.ts documents
 * them): activate, poll (held open until a command or `wait`), logs, bundles.
 */
import { maxPollWaitSeconds, parseActivateRequest, parseLogBatch, parsePollRequest, type Command } from '../../../contract/index.ts';
import { CsrError, deviceIdForKey, readCsr, signDeviceKey } from '../pki/device-certificate.ts';
import type { x509 } from '../pki/x509.ts';
import { refuseBeforeCount } from '../store/claim.ts';
import type { ClaimRefusal, Device } from '../store/store.ts';
import { hashSecret, parseToken } from '../tokens.ts';
import type { RouteCall } from './context.ts';
import { HttpError, sendJson } from './http-io.ts';
import { readMessage } from './read-message.ts';
import { closedSignal, waitForEvent } from './wait-for-event.ts';

const claimRefusals: Record<ClaimRefusal, [number, string]> = {
  'unknown-batch': [401, 'activation token: unknown batch'],
  'wrong-token': [401, 'activation token: wrong secret for its batch'],
  expired: [410, 'activation token: its batch has expired'],
  'used-up': [410, 'activation token: its batch has activated as many devices as it may'],
  revoked: [403, 'activation token: its batch is revoked'],
  'serial-not-registered': [403, "activation: this device's serial is not registered in the batch"],
  'serial-used': [409, "activation: this device's serial has already activated"],
};

/**
 * Seconds a device pauses before its next poll. Zero: the next poll is held
 * by the server until a command comes, so polling again at once is what keeps
 * a command's delivery immediate; a pause here would be a window in which
 * commands wait. (A loaded server could ask for more.)
 */
const nextPollSeconds = 0;

/** POST /v1/activate: token + CSR in, device id + certificate out. Nothing is written unless all checks pass. */
export async function activate({ ctx, req, res }: RouteCall): Promise<void> {
  const request = await readMessage(req, 'activate', parseActivateRequest);
  const token = parseToken(request.token);
  if (!token) throw new HttpError(400, 'activate.token: expected <batch>.<secret>');
  // The CSR is checked before the claim, so a bad request never uses up an activation.
  let publicKey: x509.PublicKey;
  try {
    publicKey = await readCsr(request.csr);
  } catch (error) {
    if (error instanceof CsrError) throw new HttpError(400, error.message);
    throw error;
  }
  const id = deviceIdForKey(publicKey);
  const known = await ctx.store.getDevice(id);
  if (known) return reactivate(ctx, res, known, token);
  const claim = await ctx.store.claimActivation(token.batch, hashSecret(token.secret), request.serial, ctx.now());
  if (!claim.ok) {
    const [status, message] = claimRefusals[claim.reason];
    throw new HttpError(status, message);
  }
  const signed = await signDeviceKey(ctx.fleet.ca, publicKey, id, new Date(ctx.now()));
  await ctx.store.addDevice(
    { id, batch: token.batch, certSerial: signed.serial, certificate: signed.certificatePem, arch: request.arch, image: request.image, version: request.version, hostname: request.hostname, serial: request.serial },
    ctx.now(),
  );
  sendJson(res, 200, { deviceId: id, certificate: signed.certificatePem });
}

/**
 * A device activating again with the key it already activated with: its
 * reply was lost, or it could not accept the certificate yet. It gets the same
 * certificate back and uses up nothing, as long as its token still holds (same
 * batch, right secret, not revoked or expired) and the device is not revoked.
 */
async function reactivate(ctx: RouteCall['ctx'], res: RouteCall['res'], known: Device, token: { batch: string; secret: string }): Promise<void> {
  if (known.revokedAt !== undefined) throw new HttpError(403, 'activation: this device is revoked');
  const batch = await ctx.store.getBatch(token.batch);
  if (!batch) throw new HttpError(...claimRefusals['unknown-batch']);
  if (batch.name !== known.batch) throw new HttpError(403, 'activation: this device activated with another batch');
  const refusal = refuseBeforeCount(batch, hashSecret(token.secret), ctx.now());
  if (refusal) throw new HttpError(...claimRefusals[refusal]);
  sendJson(res, 200, { deviceId: known.id, certificate: known.certificate });
}

/** POST /v1/device/poll: records the heartbeat and results, then hands over queued commands, waiting up to `wait` s for one. */
export async function poll({ ctx, req, res, peer }: RouteCall): Promise<void> {
  const deviceId = peer!.name;
  const request = await readMessage(req, 'poll', parsePollRequest);
  // A poll carrying results asks for no hold (wait 0); only a holding poll tells the device's interval.
  await ctx.store.recordHeartbeat(deviceId, request.status, ctx.now(), request.wait > 0 ? request.wait : undefined);
  for (const result of request.results) {
    await ctx.store.finishCommand(deviceId, result, ctx.now());
  }
  const closed = closedSignal(res);
  const deadline = ctx.now() + Math.min(request.wait, maxPollWaitSeconds) * 1000;
  let commands: Command[] = [];
  for (;;) {
    // Listening starts before the take, so a command queued in between still wakes this poll.
    const stop = new AbortController();
    const woken = waitForEvent(ctx.store, (event) => event.topic === 'command' && event.deviceId === deviceId, Math.max(0, deadline - ctx.now()), AbortSignal.any([closed, stop.signal]));
    if (closed.aborted) return;
    commands = await ctx.store.takeCommands(deviceId, ctx.now());
    if (commands.length > 0 || ctx.now() >= deadline) {
      stop.abort();
      break;
    }
    if (!(await woken)) break;
  }
  if (closed.aborted && commands.length === 0) return;
  sendJson(res, 200, { commands, next: nextPollSeconds });
}

/** POST /v1/device/logs: lines for a stream the server opened for this device. */
export async function deviceLogs({ ctx, req, res, peer }: RouteCall): Promise<void> {
  const batch = await readMessage(req, 'logs', parseLogBatch);
  const stream = await ctx.store.getLogStream(batch.stream);
  if (!stream || stream.deviceId !== peer!.name) throw new HttpError(404, `logs.stream: no stream ${batch.stream} for this device`);
  if (stream.endedAt !== undefined) throw new HttpError(410, `logs.stream: stream ${batch.stream} has ended`);
  await ctx.store.appendLogLines(batch.stream, batch.lines, batch.dropped, batch.end, ctx.now());
  sendJson(res, 200, {});
}

/** GET /v1/device/bundles/<sha256>: an update bundle's bytes. */
export async function bundle({ ctx, res, params }: RouteCall): Promise<void> {
  const sha256 = params.sha256!;
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new HttpError(400, 'bundle path: expected a sha256 in lower-case hex');
  const bytes = await ctx.store.readBundle(sha256);
  if (!bytes) throw new HttpError(404, `no bundle ${sha256}`);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
  res.end(bytes);
}
