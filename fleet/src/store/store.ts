/**
 * What the fleet server keeps, behind one interface with two real backends:
 * SQLite (sqlite-store.ts: a file in the fleet folder, the embedded default)
 * and PostgreSQL (postgres-store.ts: several `imago fleet serve` processes
 * share one database). The server never sees SQL; every rule that must hold
 * under concurrency (a token's count, a command delivered once) is one atomic
 * operation here, so both backends enforce it the same way.
 *
 * Times are milliseconds since the epoch. Ids are strings the store makes.
 */
import type { Command, CommandResult, DeviceStatus } from '../../../contract/index.ts';

export interface Batch {
  name: string;
  /** sha256 (hex) of the token's secret part; the token itself is shown once and never stored. */
  tokenHash: string;
  /** Most devices that may activate with it; undefined when the batch is a list of serials. */
  maxDevices?: number;
  /** Serials (or fingerprints) registered ahead: only these may activate, each once. */
  serials?: string[];
  used: number;
  createdAt: number;
  expiresAt: number;
  createdBy: string;
  revokedAt?: number;
}

export type ClaimRefusal = 'unknown-batch' | 'wrong-token' | 'expired' | 'revoked' | 'used-up' | 'serial-not-registered' | 'serial-used';

export interface Device {
  id: string;
  batch: string;
  /** The device certificate's serial (hex) and PEM: what a connection is matched against. */
  certSerial: string;
  certificate: string;
  arch: string;
  image: string;
  version: string;
  hostname?: string;
  serial?: string;
  activatedAt: number;
  lastSeen?: number;
  status?: DeviceStatus;
  /** The `wait` of the device's last held poll (seconds): the console judges "not reporting" by it. */
  pollWait?: number;
  revokedAt?: number;
}

export interface NewDevice {
  /** Made by the server, not the store: it is the certificate's CN, signed before the device is added. */
  id: string;
  batch: string;
  certSerial: string;
  certificate: string;
  arch: string;
  image: string;
  version: string;
  hostname?: string;
  serial?: string;
}

export interface StoredCommand {
  command: Command;
  deviceId: string;
  createdAt: number;
  createdBy: string;
  deliveredAt?: number;
  finishedAt?: number;
  result?: CommandResult;
}

export interface LogStream {
  id: string;
  deviceId: string;
  service: string;
  createdAt: number;
  endedAt?: number;
  dropped: number;
}

export interface Operator {
  name: string;
  certSerial?: string;
  /** scrypt hash for the web console (issue 13); absent for certificate-only operators. */
  passwordHash?: string;
  createdAt: number;
  revokedAt?: number;
}

/** A web console sign-in (issue 13). Only the id's sha256 is kept, so a copy of the database signs no one in. */
export interface Session {
  idHash: string;
  operator: string;
  createdAt: number;
  expiresAt: number;
}

export interface AuditEntry {
  id: number;
  at: number;
  operator: string;
  action: string;
  device?: string;
  detail?: Record<string, unknown>;
}

export interface Bundle {
  sha256: string;
  size: number;
  version: string;
  compatible: string;
  uploadedAt: number;
}

/**
 * What changed, told to every server process sharing the store (PostgreSQL:
 * LISTEN/NOTIFY; SQLite: in the process), so a long-poll or a log follower
 * held by one process wakes when another process wrote.
 */
export type FleetEvent =
  | { topic: 'command'; deviceId: string }
  | { topic: 'result'; deviceId: string; commandId: string }
  | { topic: 'log'; stream: string }
  | { topic: 'device'; deviceId: string }
  | { topic: 'audit' };

export interface FleetStore {
  /** Creates or upgrades the schema; safe to call from several processes at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  createBatch(batch: Omit<Batch, 'used' | 'revokedAt'>): Promise<void>;
  listBatches(): Promise<Batch[]>;
  getBatch(name: string): Promise<Batch | undefined>;
  /** Returns false when there is no such batch. */
  revokeBatch(name: string, at: number): Promise<boolean>;
  /**
   * Takes one activation from a batch, atomically: checks the token hash
   * (constant time), expiry, revocation, the count or the registered serial,
   * and counts the use. Concurrent claims never exceed the count.
   */
  claimActivation(batchName: string, tokenHash: string, serial: string | undefined, now: number): Promise<{ ok: true } | { ok: false; reason: ClaimRefusal }>;

  addDevice(device: NewDevice, now: number): Promise<Device>;
  getDevice(id: string): Promise<Device | undefined>;
  getDeviceByCertSerial(certSerial: string): Promise<Device | undefined>;
  listDevices(): Promise<Device[]>;
  /** `pollWait`: the poll's `wait` when the device may be held (> 0); kept as the device's poll interval. */
  recordHeartbeat(id: string, status: DeviceStatus, now: number, pollWait?: number): Promise<void>;
  revokeDevice(id: string, at: number): Promise<boolean>;

  /** Queues a command (its id made by the store) and wakes the device's poll. */
  enqueueCommand(deviceId: string, command: DistributiveOmit<Command, 'id'>, createdBy: string, now: number): Promise<StoredCommand>;
  /** The device's undelivered commands, marked delivered in the same step (each is delivered once). */
  takeCommands(deviceId: string, now: number): Promise<Command[]>;
  /** Records a device's result for one of its own commands; false when the id is not that device's. */
  finishCommand(deviceId: string, result: CommandResult, now: number): Promise<boolean>;
  getCommand(id: string): Promise<StoredCommand | undefined>;

  openLogStream(deviceId: string, service: string, now: number): Promise<LogStream>;
  getLogStream(id: string): Promise<LogStream | undefined>;
  /** Appends lines; returns the sequence number of the last one. */
  appendLogLines(stream: string, lines: string[], dropped: number, end: boolean, now: number): Promise<number>;
  /** Lines after `afterSeq`, oldest first, at most `limit`. */
  readLogLines(stream: string, afterSeq: number, limit: number): Promise<{ seq: number; line: string }[]>;

  addOperator(operator: Omit<Operator, 'revokedAt'>): Promise<void>;
  getOperator(name: string): Promise<Operator | undefined>;
  getOperatorByCertSerial(certSerial: string): Promise<Operator | undefined>;
  listOperators(): Promise<Operator[]>;

  /** Adds and publishes an `audit` event, so a console shows the entry at once. */
  addAudit(entry: Omit<AuditEntry, 'id'>): Promise<void>;
  listAudit(limit: number): Promise<AuditEntry[]>;

  /** Adds a session and drops every one that has expired by `now`. */
  createSession(session: Session, now: number): Promise<void>;
  /** The session, while it has not expired at `now`. */
  getSession(idHash: string, now: number): Promise<Session | undefined>;
  /** Returns false when there was no such session. */
  deleteSession(idHash: string): Promise<boolean>;

  putBundle(bundle: Omit<Bundle, 'uploadedAt'>, bytes: Uint8Array, now: number): Promise<void>;
  getBundle(sha256: string): Promise<Bundle | undefined>;
  readBundle(sha256: string): Promise<Uint8Array | undefined>;

  /**
   * Tells every process (this one included). The methods that change what a
   * waiter waits for publish their own event (enqueueCommand: command,
   * finishCommand: result, appendLogLines: log, addDevice, recordHeartbeat and
   * revokeDevice: device; addAudit: audit), so callers never publish after them.
   */
  publish(event: FleetEvent): Promise<void>;
  /** Returns the function that stops listening. */
  subscribe(listener: (event: FleetEvent) => void): () => void;
}

/** Omit that keeps a union a union. */
export type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
