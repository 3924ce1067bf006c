/**
 * Rows to the store's types, for both backends: the columns have the same
 * names in both; PostgreSQL returns bigint as a string and JSON as an object,
 * SQLite returns numbers and JSON text, so each value goes through one helper.
 */
import type { Command, CommandResult, DeviceStatus } from '../../../contract/index.ts';
import type { AuditEntry, Batch, Bundle, Device, LogStream, Operator, Session, StoredCommand } from './store.ts';

type Row = Record<string, unknown>;

function num(value: unknown): number {
  return Number(value);
}

function optNum(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

function optStr(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function json<T>(value: unknown): T | undefined {
  if (value === null || value === undefined) return undefined;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** Leaves out keys whose value is undefined, so a row reads like the object that was stored. */
function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

export function toBatch(row: Row, serials: string[] | undefined): Batch {
  return compact({
    name: String(row.name),
    tokenHash: String(row.token_hash),
    maxDevices: optNum(row.max_devices),
    serials,
    used: num(row.used),
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
    createdBy: String(row.created_by),
    revokedAt: optNum(row.revoked_at),
  });
}

export function toDevice(row: Row): Device {
  return compact({
    id: String(row.id),
    batch: String(row.batch),
    certSerial: String(row.cert_serial),
    certificate: String(row.certificate),
    arch: String(row.arch),
    image: String(row.image),
    version: String(row.version),
    hostname: optStr(row.hostname),
    serial: optStr(row.serial),
    activatedAt: num(row.activated_at),
    lastSeen: optNum(row.last_seen),
    status: json<DeviceStatus>(row.status),
    pollWait: optNum(row.poll_wait),
    revokedAt: optNum(row.revoked_at),
  });
}

export function toStoredCommand(row: Row): StoredCommand {
  return compact({
    command: json<Command>(row.body)!,
    deviceId: String(row.device_id),
    createdAt: num(row.created_at),
    createdBy: String(row.created_by),
    deliveredAt: optNum(row.delivered_at),
    finishedAt: optNum(row.finished_at),
    result: json<CommandResult>(row.result),
  });
}

export function toLogStream(row: Row): LogStream {
  return compact({
    id: String(row.id),
    deviceId: String(row.device_id),
    service: String(row.service),
    createdAt: num(row.created_at),
    endedAt: optNum(row.ended_at),
    dropped: num(row.dropped),
  });
}

export function toOperator(row: Row): Operator {
  return compact({
    name: String(row.name),
    certSerial: optStr(row.cert_serial),
    passwordHash: optStr(row.password_hash),
    createdAt: num(row.created_at),
    revokedAt: optNum(row.revoked_at),
  });
}

export function toAuditEntry(row: Row): AuditEntry {
  return compact({
    id: num(row.id),
    at: num(row.at),
    operator: String(row.operator),
    action: String(row.action),
    device: optStr(row.device),
    detail: json<Record<string, unknown>>(row.detail),
  });
}

export function toBundle(row: Row): Bundle {
  return {
    sha256: String(row.sha256),
    size: num(row.size),
    version: String(row.version),
    compatible: String(row.compatible),
    uploadedAt: num(row.uploaded_at),
  };
}

export function toSession(row: Row): Session {
  return { idHash: String(row.id_hash), operator: String(row.operator), createdAt: num(row.created_at), expiresAt: num(row.expires_at) };
}
