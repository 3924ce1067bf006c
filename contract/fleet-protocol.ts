/**
 * The fleet wire protocol: what a device's agent and the fleet server say to
 * each other, defined once for both sides (the agent runs this file under
 * QuickJS, the server under Node). Pure.
 *
 * Transport: HTTP/1.1 over TLS 1.2 or 1.3, JSON bodies (UTF-8), every request
 * carrying the header `imago-fleet-protocol: <version>`. The device always
 * dials out (devices sit behind NAT; the server never dials a device):
 *
 *   POST /v1/activate       no client certificate; an activation token and a CSR
 *                           buy the device its certificate
 *   POST /v1/device/poll    device certificate; carries the heartbeat (status and
 *                           finished commands) and is held open by the server until
 *                           a command is waiting or `wait` seconds have passed
 *   POST /v1/device/logs    device certificate; a batch of log lines for a stream
 *                           the server asked for with a `logs` command
 *   GET  /v1/device/bundles/<sha256>   device certificate; an update bundle's bytes
 *
 * Versions: 1 — the above.
 *
 * Every parser here throws a ProtocolError naming the field and what was
 * expected; both sides parse everything they receive with them, so a message
 * one side accepts is one the other side could have sent.
 */

export const fleetProtocolVersion = 1;
/** The header that carries the version on every request and response. */
export const fleetProtocolHeader = 'imago-fleet-protocol';

export const fleetPaths = {
  activate: '/v1/activate',
  poll: '/v1/device/poll',
  logs: '/v1/device/logs',
  /** Followed by the bundle's sha256 in hex. */
  bundles: '/v1/device/bundles/',
} as const;

/** Longest a server holds a poll open, in seconds; the agent's read timeout must exceed it. */
export const maxPollWaitSeconds = 60;
/** Largest JSON body either side accepts (a log batch is the biggest). */
export const maxMessageBytes = 1024 * 1024;
/** Most log lines in one /v1/device/logs batch, and longest line. */
export const maxLogBatchLines = 2000;
export const maxLogLineBytes = 8192;

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

// ---- messages ----

export interface ActivateRequest {
  /** The batch token baked into the image. */
  token: string;
  /** PKCS#10 certificate request (PEM) for the key the device generated. */
  csr: string;
  /** Target architecture name, e.g. `x86_64`, `mips`. */
  arch: string;
  /** The image's name and version, from its manifest. */
  image: string;
  version: string;
  /** A hardware serial when the device has one (DMI, device tree), for batches of registered serials. */
  serial?: string;
  hostname?: string;
}

export interface ActivateResponse {
  deviceId: string;
  /** The device's certificate (PEM), signed by the fleet CA. */
  certificate: string;
}

export interface ServiceReport {
  name: string;
  state: string;
  health: string;
  restarts: number;
  /** Seconds since the current run started, while it runs. */
  uptime?: number;
  reason?: string;
}

export interface SlotReport {
  slot: string;
  version?: string;
  booted: boolean;
  committed: boolean;
}

export interface DeviceStatus {
  image: string;
  version: string;
  arch: string;
  hostname: string;
  /** Seconds since boot. */
  uptime: number;
  /** The device's clock, milliseconds since the epoch. */
  time: number;
  addresses: string[];
  services: ServiceReport[];
  /** A/B state: absent on an image without updates. */
  update?: { booted: string; state: string; slots: SlotReport[]; lastRollback?: { slot: string; version?: string; reason: string; at: number } };
}

export type Command =
  | { id: string; kind: 'start' | 'stop' | 'restart'; service: string }
  | { id: string; kind: 'reboot' }
  /** Send the last `lines` lines of a service (rotated files included), then, with follow, every new line, to `stream`. */
  | { id: string; kind: 'logs'; service: string; lines: number; follow: boolean; stream: string }
  /** Stop sending to a followed stream (the operator went away). */
  | { id: string; kind: 'logs-stop'; stream: string }
  /** Download the bundle from /v1/device/bundles/<sha256>, install it and reboot into it for a trial. */
  | { id: string; kind: 'update'; sha256: string; size: number; version: string };

export type CommandKind = Command['kind'];

export interface CommandResult {
  id: string;
  ok: boolean;
  /** Why it failed, or what happened, in words. */
  message?: string;
  /** For an update, once the device knows: committed, or rolled back (with the reason in message). */
  outcome?: 'committed' | 'rolled-back';
}

export interface PollRequest {
  status: DeviceStatus;
  results: CommandResult[];
  /** Seconds the server may hold the poll open (0: answer at once). */
  wait: number;
}

export interface PollResponse {
  commands: Command[];
  /** Seconds the device should wait before its next poll when it has nothing to report. */
  next: number;
}

export interface LogBatch {
  stream: string;
  lines: string[];
  /** Lines the agent could not send (its queue was full). */
  dropped: number;
  /** The stream is over (service gone, or follow ended). */
  end: boolean;
}

/** An error reply from the server: the status code says the class, `error` the reason. */
export interface ErrorResponse {
  error: string;
}

// ---- parsers ----

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError(`${where}: expected an object`);
  return value as Json;
}

function string(o: Json, key: string, where: string, max = 65536): string {
  const value = o[key];
  if (typeof value !== 'string') throw new ProtocolError(`${where}.${key}: expected a string`);
  if (value.length > max) throw new ProtocolError(`${where}.${key}: longer than ${max} characters`);
  return value;
}

function optionalString(o: Json, key: string, where: string, max = 65536): string | undefined {
  return o[key] === undefined ? undefined : string(o, key, where, max);
}

function name(o: Json, key: string, where: string): string {
  const value = string(o, key, where, 128);
  if (!/^[A-Za-z0-9][A-Za-z0-9._@:-]*$/.test(value)) throw new ProtocolError(`${where}.${key}: expected a name (letters, digits, . _ @ : -), got ${JSON.stringify(value)}`);
  return value;
}

function count(o: Json, key: string, where: string, max: number): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) throw new ProtocolError(`${where}.${key}: expected a whole number from 0 to ${max}`);
  return value;
}

function number(o: Json, key: string, where: string): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ProtocolError(`${where}.${key}: expected a number >= 0`);
  return value;
}

function boolean(o: Json, key: string, where: string): boolean {
  const value = o[key];
  if (typeof value !== 'boolean') throw new ProtocolError(`${where}.${key}: expected true or false`);
  return value;
}

function array(o: Json, key: string, where: string, max: number): unknown[] {
  const value = o[key];
  if (!Array.isArray(value)) throw new ProtocolError(`${where}.${key}: expected a list`);
  if (value.length > max) throw new ProtocolError(`${where}.${key}: more than ${max} entries`);
  return value;
}

function hex64(o: Json, key: string, where: string): string {
  const value = string(o, key, where, 64);
  if (!/^[0-9a-f]{64}$/.test(value)) throw new ProtocolError(`${where}.${key}: expected a sha256 in lower-case hex`);
  return value;
}

/** JSON text to a value; a ProtocolError (not a SyntaxError) for anything that is not JSON. */
export function parseJson(text: string, where: string): unknown {
  if (text.length > maxMessageBytes) throw new ProtocolError(`${where}: larger than ${maxMessageBytes} bytes`);
  try {
    return JSON.parse(text);
  } catch {
    throw new ProtocolError(`${where}: not valid JSON`);
  }
}

export function parseActivateRequest(value: unknown): ActivateRequest {
  const o = object(value, 'activate');
  return {
    token: string(o, 'token', 'activate', 512),
    csr: string(o, 'csr', 'activate', 8192),
    arch: name(o, 'arch', 'activate'),
    image: string(o, 'image', 'activate', 256),
    version: string(o, 'version', 'activate', 128),
    serial: optionalString(o, 'serial', 'activate', 256),
    hostname: optionalString(o, 'hostname', 'activate', 256),
  };
}

export function parseActivateResponse(value: unknown): ActivateResponse {
  const o = object(value, 'activation');
  return { deviceId: name(o, 'deviceId', 'activation'), certificate: string(o, 'certificate', 'activation', 16384) };
}

function parseService(value: unknown, where: string): ServiceReport {
  const o = object(value, where);
  const report: ServiceReport = {
    name: name(o, 'name', where),
    state: string(o, 'state', where, 64),
    health: string(o, 'health', where, 64),
    restarts: count(o, 'restarts', where, 2 ** 31),
  };
  if (o.uptime !== undefined) report.uptime = number(o, 'uptime', where);
  const reason = optionalString(o, 'reason', where, 1024);
  if (reason !== undefined) report.reason = reason;
  return report;
}

function parseSlot(value: unknown, where: string): SlotReport {
  const o = object(value, where);
  const slot: SlotReport = { slot: string(o, 'slot', where, 8), booted: boolean(o, 'booted', where), committed: boolean(o, 'committed', where) };
  const version = optionalString(o, 'version', where, 128);
  if (version !== undefined) slot.version = version;
  return slot;
}

export function parseDeviceStatus(value: unknown): DeviceStatus {
  const where = 'status';
  const o = object(value, where);
  const status: DeviceStatus = {
    image: string(o, 'image', where, 256),
    version: string(o, 'version', where, 128),
    arch: name(o, 'arch', where),
    hostname: string(o, 'hostname', where, 256),
    uptime: number(o, 'uptime', where),
    time: number(o, 'time', where),
    addresses: array(o, 'addresses', where, 64).map((a, i) => {
      if (typeof a !== 'string' || a.length > 64) throw new ProtocolError(`${where}.addresses[${i}]: expected an address`);
      return a;
    }),
    services: array(o, 'services', where, 1024).map((s, i) => parseService(s, `${where}.services[${i}]`)),
  };
  if (o.update !== undefined) {
    const u = object(o.update, `${where}.update`);
    status.update = {
      booted: string(u, 'booted', `${where}.update`, 8),
      state: string(u, 'state', `${where}.update`, 32),
      slots: array(u, 'slots', `${where}.update`, 8).map((s, i) => parseSlot(s, `${where}.update.slots[${i}]`)),
    };
    if (u.lastRollback !== undefined) {
      const r = object(u.lastRollback, `${where}.update.lastRollback`);
      const w = `${where}.update.lastRollback`;
      status.update.lastRollback = { slot: string(r, 'slot', w, 8), reason: string(r, 'reason', w, 1024), at: number(r, 'at', w) };
      const version = optionalString(r, 'version', w, 128);
      if (version !== undefined) status.update.lastRollback.version = version;
    }
  }
  return status;
}

export function parseCommand(value: unknown, where = 'command'): Command {
  const o = object(value, where);
  const id = name(o, 'id', where);
  switch (o.kind) {
    case 'start':
    case 'stop':
    case 'restart':
      return { id, kind: o.kind, service: name(o, 'service', where) };
    case 'reboot':
      return { id, kind: 'reboot' };
    case 'logs':
      return { id, kind: 'logs', service: name(o, 'service', where), lines: count(o, 'lines', where, 100000), follow: boolean(o, 'follow', where), stream: name(o, 'stream', where) };
    case 'logs-stop':
      return { id, kind: 'logs-stop', stream: name(o, 'stream', where) };
    case 'update':
      return { id, kind: 'update', sha256: hex64(o, 'sha256', where), size: count(o, 'size', where, 2 ** 40), version: string(o, 'version', where, 128) };
    default:
      throw new ProtocolError(`${where}.kind: expected start, stop, restart, reboot, logs, logs-stop or update, got ${JSON.stringify(o.kind)}`);
  }
}

export function parseCommandResult(value: unknown, where = 'result'): CommandResult {
  const o = object(value, where);
  const result: CommandResult = { id: name(o, 'id', where), ok: boolean(o, 'ok', where) };
  const message = optionalString(o, 'message', where, 4096);
  if (message !== undefined) result.message = message;
  if (o.outcome !== undefined) {
    if (o.outcome !== 'committed' && o.outcome !== 'rolled-back') throw new ProtocolError(`${where}.outcome: expected committed or rolled-back`);
    result.outcome = o.outcome;
  }
  return result;
}

export function parsePollRequest(value: unknown): PollRequest {
  const o = object(value, 'poll');
  return {
    status: parseDeviceStatus(o.status),
    results: array(o, 'results', 'poll', 256).map((r, i) => parseCommandResult(r, `poll.results[${i}]`)),
    wait: count(o, 'wait', 'poll', maxPollWaitSeconds),
  };
}

export function parsePollResponse(value: unknown): PollResponse {
  const o = object(value, 'poll reply');
  return {
    commands: array(o, 'commands', 'poll reply', 256).map((c, i) => parseCommand(c, `poll reply.commands[${i}]`)),
    next: count(o, 'next', 'poll reply', 3600),
  };
}

export function parseLogBatch(value: unknown): LogBatch {
  const o = object(value, 'logs');
  return {
    stream: name(o, 'stream', 'logs'),
    lines: array(o, 'lines', 'logs', maxLogBatchLines).map((line, i) => {
      if (typeof line !== 'string' || line.length > maxLogLineBytes) throw new ProtocolError(`logs.lines[${i}]: expected a line of at most ${maxLogLineBytes} characters`);
      return line;
    }),
    dropped: count(o, 'dropped', 'logs', 2 ** 31),
    end: boolean(o, 'end', 'logs'),
  };
}

export function parseErrorResponse(value: unknown): ErrorResponse {
  const o = object(value, 'error reply');
  return { error: string(o, 'error', 'error reply', 4096) };
}
