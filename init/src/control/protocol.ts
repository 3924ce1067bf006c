/**
 * The control protocol between `imagoctl` (and, later, the remote management
 * API) and the init: newline-delimited JSON over a Unix socket. Pure.
 *
 * Every message carries the protocol version `v` and the request `id` it
 * belongs to. A request names a `command`; the reply is `{ok: true, result}` or
 * `{ok: false, error}`. `logs` with `follow` also streams `{event: 'log', line}`
 * messages until the client disconnects.
 *
 * Versions: 1 — status, logs (lines, follow), start, stop, restart, reboot, poweroff, halt.
 *           2 — update-activate SLOT (arm a written slot for a trial boot and reboot), and
 *               `update` in the status result (slots, versions, commit state, last rollback).
 *               Requests of version 1 are still answered.
 */
import type { LogLine } from '../logs/logger.ts';
import type { ServiceStatus } from '../supervisor/supervisor.ts';
import type { UpdateStatus } from '../update/status.ts';

export const protocolVersion = 2;
/** Versions whose requests this init answers (each one only adds to the previous). */
export const acceptedVersions = [1, 2];
export const defaultSocketPath = '/run/imago/control.sock';

export type Request =
  | { command: 'status' }
  | { command: 'logs'; service: string; lines?: number; follow?: boolean }
  | { command: 'start' | 'stop' | 'restart'; service: string }
  | { command: 'reboot' | 'poweroff' | 'halt' }
  | { command: 'update-activate'; slot: 'A' | 'B' };

export type Command = Request['command'];

export interface StatusResult {
  image: string;
  hostname: string;
  /** Seconds since the init started. */
  uptime: number;
  services: ServiceStatus[];
  /** Log lines dropped per source (files full, console congested). */
  dropped: Record<string, { file: number; console: number }>;
  /** A/B update state; absent on an image without `update:`. */
  update?: UpdateStatus;
}

export type Message =
  | { v: number; id: number; ok: true; result: unknown }
  | { v: number; id: number; ok: false; error: string }
  | { v: number; id: number; event: 'log'; line: LogLine };

export type ParsedRequest = { ok: true; id: number; request: Request } | { ok: false; id: number; error: string };

const serviceCommands = new Set(['logs', 'start', 'stop', 'restart']);
const plainCommands = new Set(['status', 'reboot', 'poweroff', 'halt']);

/** One message as a line of JSON. */
export function encode(message: object): string {
  return `${JSON.stringify(message)}\n`;
}

/** Checks a request line; the error names what is wrong, for the client to print. */
export function parseRequest(line: string): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, id: 0, error: 'request is not JSON' };
  }
  if (typeof value !== 'object' || value === null) return { ok: false, id: 0, error: 'request is not an object' };
  const raw = value as Record<string, unknown>;
  const id = typeof raw.id === 'number' ? raw.id : 0;
  if (!acceptedVersions.includes(raw.v as number)) return { ok: false, id, error: `protocol version ${String(raw.v)} is not supported; this init speaks ${acceptedVersions.join(', ')}` };
  if (raw.command === 'update-activate') {
    if (raw.slot !== 'A' && raw.slot !== 'B') return { ok: false, id, error: 'update-activate needs slot A or B' };
    return { ok: true, id, request: { command: 'update-activate', slot: raw.slot } };
  }
  const command = raw.command;
  if (typeof command !== 'string' || !(serviceCommands.has(command) || plainCommands.has(command))) {
    return { ok: false, id, error: `unknown command ${JSON.stringify(command)}; expected one of ${[...plainCommands, ...serviceCommands, 'update-activate'].join('|')}` };
  }
  if (serviceCommands.has(command)) {
    if (typeof raw.service !== 'string' || raw.service === '') return { ok: false, id, error: `${command} needs a service name` };
    if (command === 'logs') {
      const lines = raw.lines === undefined ? undefined : Number(raw.lines);
      if (lines !== undefined && (!Number.isInteger(lines) || lines < 0)) return { ok: false, id, error: 'lines must be a whole number' };
      return { ok: true, id, request: { command, service: raw.service, lines, follow: raw.follow === true } };
    }
    return { ok: true, id, request: { command: command as 'start' | 'stop' | 'restart', service: raw.service } };
  }
  return { ok: true, id, request: { command: command as 'status' | 'reboot' | 'poweroff' | 'halt' } };
}

/** A request as the client sends it. */
export function requestMessage(id: number, request: Request): string {
  return encode({ v: protocolVersion, id, ...request });
}

/** Checks a message from the server. */
export function parseMessage(line: string): Message | undefined {
  try {
    const value = JSON.parse(line) as Message;
    return typeof value === 'object' && value !== null && typeof value.id === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}
