/**
 * The operator API (operator certificate on every route), what `imago fleet`
 * calls. JSON in and out unless noted; every action that changes something or
 * reaches a device writes an audit entry (operator, action, device, detail).
 *
 *   GET  /v1/devices                                   list devices
 *   GET  /v1/devices/:device                           one device, its last status
 *   POST /v1/devices/:device/services/:service/:action start|stop|restart; waits up to 30 s for the result
 *   POST /v1/devices/:device/reboot                    waits up to 30 s for the result
 *   GET  /v1/devices/:device/services/:service/logs?lines=N&follow=1
 *                                                      NDJSON: {"line":…} per line, then {"end":true,"dropped":n}
 *   POST /v1/devices/:device/update                    {"sha256"} of an uploaded bundle; returns the queued command
 *   POST /v1/devices/:device/revoke                    the device is refused from its next request
 *   POST /v1/bundles                                   body: the bundle's bytes; returns sha256, version, compatible
 *   GET  /v1/commands/:command?wait=S&outcome=1        a command and its result, waiting up to S s for it
 *   GET  /v1/batches                                   list batches (never tokens)
 *   POST /v1/batches                                   {"name"?, "count" | "serials", "expires"}; returns the token, once
 *   POST /v1/batches/:batch/revoke
 *   GET  /v1/audit?limit=N
 */
import { createHash, randomBytes } from 'node:crypto';
import { BundleError, parseBundleHeader, type Command } from '../../../contract/index.ts';
import type { DistributiveOmit } from '../store/store.ts';
import { checkBatchName, newToken, parseDuration } from '../tokens.ts';
import { awaitResult } from './command-result.ts';
import type { RouteCall } from './context.ts';
import { HttpError, readBody, sendJson } from './http-io.ts';
import { parseCreateBatchRequest, parseUpdateRequest } from './operator-messages.ts';
import { readMessage } from './read-message.ts';
import { closedSignal, waitForEvent } from './wait-for-event.ts';

/** Largest bundle an operator may upload (kernel + initramfs of both slots' worth). */
export const maxBundleBytes = 512 * 1024 * 1024;

async function audit({ ctx, peer }: RouteCall, action: string, device?: string, detail?: Record<string, unknown>): Promise<void> {
  await ctx.store.addAudit({ at: ctx.now(), operator: peer!.name, action, device, detail });
}

async function knownDevice(call: RouteCall) {
  const device = await call.ctx.store.getDevice(call.params.device!);
  if (!device) throw new HttpError(404, `no device ${call.params.device}`);
  return device;
}

function whole(query: URLSearchParams, key: string, fallback: number, max: number): number {
  const text = query.get(key);
  if (text === null) return fallback;
  if (!/^\d{1,9}$/.test(text) || Number(text) > max) throw new HttpError(400, `?${key}: expected a whole number from 0 to ${max}`);
  return Number(text);
}

/** Queues a command for a live device, audits it, and waits for its result. */
async function commandAndWait(call: RouteCall, command: DistributiveOmit<Command, 'id'>, action: string): Promise<void> {
  const device = await knownDevice(call);
  if (device.revokedAt !== undefined) throw new HttpError(409, `device ${device.id} is revoked`);
  const stored = await call.ctx.store.enqueueCommand(device.id, command, call.peer!.name, call.ctx.now());
  await audit(call, action, device.id, { command: stored.command.id, ...('service' in command ? { service: command.service } : {}) });
  const done = await awaitResult(call.ctx.store, stored.command.id, call.ctx.commandWaitMs, call.ctx.now, closedSignal(call.res));
  sendJson(call.res, done?.result ? 200 : 202, done ?? stored);
}

export async function listDevices({ ctx, res }: RouteCall): Promise<void> {
  sendJson(res, 200, { devices: (await ctx.store.listDevices()).map(({ certificate: _certificate, ...device }) => device) });
}

export async function showDevice(call: RouteCall): Promise<void> {
  sendJson(call.res, 200, await knownDevice(call));
}

export async function serviceAction(call: RouteCall): Promise<void> {
  const kind = call.params.action;
  if (kind !== 'start' && kind !== 'stop' && kind !== 'restart') throw new HttpError(404, `no service action ${kind} (start, stop or restart)`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$/.test(call.params.service!)) throw new HttpError(400, 'service: expected a service name');
  await commandAndWait(call, { kind, service: call.params.service! }, kind);
}

export async function reboot(call: RouteCall): Promise<void> {
  await commandAndWait(call, { kind: 'reboot' }, 'reboot');
}

/** Streams a service's log lines as NDJSON while the device sends them; a follower's disconnect stops the device's stream. */
export async function operatorLogs(call: RouteCall): Promise<void> {
  const { ctx, res, query } = call;
  const device = await knownDevice(call);
  const service = call.params.service!;
  if (!/^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$/.test(service)) throw new HttpError(400, 'service: expected a service name');
  const lines = whole(query, 'lines', 100, 100000);
  const follow = query.get('follow') === '1';
  const stream = await ctx.store.openLogStream(device.id, service, ctx.now());
  const queued = await ctx.store.enqueueCommand(device.id, { kind: 'logs', service, lines, follow, stream: stream.id }, call.peer!.name, ctx.now());
  await audit(call, 'logs', device.id, { service, lines, follow, stream: stream.id });
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const closed = closedSignal(res);
  let after = 0;
  while (!closed.aborted) {
    const stop = new AbortController();
    const woken = waitForEvent(ctx.store, (e) => (e.topic === 'log' && e.stream === stream.id) || (e.topic === 'result' && e.commandId === queued.command.id), 30_000, AbortSignal.any([closed, stop.signal]));
    const batch = await ctx.store.readLogLines(stream.id, after, 1000);
    for (const { seq, line } of batch) {
      res.write(`${JSON.stringify({ line })}\n`);
      after = seq;
    }
    if (batch.length === 1000) {
      stop.abort();
      continue;
    }
    const state = await ctx.store.getLogStream(stream.id);
    const command = await ctx.store.getCommand(queued.command.id);
    if (command?.result && !command.result.ok) {
      stop.abort();
      res.end(`${JSON.stringify({ error: command.result.message ?? 'the device refused the logs command' })}\n`);
      return;
    }
    if (state?.endedAt !== undefined) {
      stop.abort();
      res.end(`${JSON.stringify({ end: true, dropped: state.dropped })}\n`);
      return;
    }
    await woken;
  }
  if (follow) await ctx.store.enqueueCommand(device.id, { kind: 'logs-stop', stream: stream.id }, call.peer!.name, ctx.now());
}

export async function uploadBundle(call: RouteCall): Promise<void> {
  const bytes = await readBody(call.req, maxBundleBytes);
  let manifest;
  try {
    manifest = parseBundleHeader(bytes).manifest;
  } catch (error) {
    if (error instanceof BundleError) throw new HttpError(400, `bundle: ${error.message}`);
    throw error;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const bundle = { sha256, size: bytes.length, version: manifest.version, compatible: manifest.compatible };
  if (!(await call.ctx.store.getBundle(sha256))) await call.ctx.store.putBundle(bundle, bytes, call.ctx.now());
  await audit(call, 'upload-bundle', undefined, bundle);
  sendJson(call.res, 200, bundle);
}

export async function update(call: RouteCall): Promise<void> {
  const { sha256 } = await readMessage(call.req, 'update', parseUpdateRequest);
  const device = await knownDevice(call);
  if (device.revokedAt !== undefined) throw new HttpError(409, `device ${device.id} is revoked`);
  const bundle = await call.ctx.store.getBundle(sha256);
  if (!bundle) throw new HttpError(404, `no bundle ${sha256} (upload it first)`);
  const stored = await call.ctx.store.enqueueCommand(device.id, { kind: 'update', sha256, size: bundle.size, version: bundle.version }, call.peer!.name, call.ctx.now());
  await audit(call, 'update', device.id, { command: stored.command.id, sha256, version: bundle.version });
  sendJson(call.res, 202, stored);
}

export async function revokeDevice(call: RouteCall): Promise<void> {
  const device = await knownDevice(call);
  await call.ctx.store.revokeDevice(device.id, call.ctx.now());
  await call.ctx.store.publish({ topic: 'device', deviceId: device.id });
  await audit(call, 'revoke-device', device.id);
  sendJson(call.res, 200, { revoked: device.id });
}

export async function showCommand(call: RouteCall): Promise<void> {
  const wait = whole(call.query, 'wait', 0, 60);
  const command = await awaitResult(call.ctx.store, call.params.command!, wait * 1000, call.ctx.now, closedSignal(call.res), call.query.get('outcome') === '1');
  if (!command) throw new HttpError(404, `no command ${call.params.command}`);
  sendJson(call.res, 200, command);
}

export async function listBatches({ ctx, res }: RouteCall): Promise<void> {
  sendJson(res, 200, { batches: (await ctx.store.listBatches()).map(({ tokenHash: _hash, ...batch }) => batch) });
}

export async function createBatch(call: RouteCall): Promise<void> {
  const request = await readMessage(call.req, 'batch', parseCreateBatchRequest);
  const name = request.name ?? `batch-${randomBytes(4).toString('hex')}`;
  let expiresIn: number;
  try {
    checkBatchName(name);
    expiresIn = parseDuration(request.expires, 'batch.expires');
  } catch (error) {
    throw new HttpError(400, (error as Error).message);
  }
  if (await call.ctx.store.getBatch(name)) throw new HttpError(409, `batch ${name} already exists`);
  const { token, hash } = newToken(name);
  const now = call.ctx.now();
  await call.ctx.store.createBatch({ name, tokenHash: hash, maxDevices: request.count, serials: request.serials, createdAt: now, expiresAt: now + expiresIn, createdBy: call.peer!.name });
  await audit(call, 'create-batch', undefined, { batch: name, count: request.count, serials: request.serials?.length, expiresAt: now + expiresIn });
  sendJson(call.res, 200, { batch: name, token, expiresAt: now + expiresIn });
}

export async function revokeBatch(call: RouteCall): Promise<void> {
  if (!(await call.ctx.store.revokeBatch(call.params.batch!, call.ctx.now()))) throw new HttpError(404, `no batch ${call.params.batch}`);
  await audit(call, 'revoke-batch', undefined, { batch: call.params.batch });
  sendJson(call.res, 200, { revoked: call.params.batch });
}

export async function listAudit({ ctx, res, query }: RouteCall): Promise<void> {
  sendJson(res, 200, { entries: await ctx.store.listAudit(whole(query, 'limit', 100, 10000)) });
}
