/**
 * The embedded backend: one SQLite file in the fleet folder, for a single
 * `imago fleet serve` process. better-sqlite3 is synchronous, so each atomic
 * operation is one immediate transaction (the write lock is taken before the
 * read, so a second process on the same file waits instead of racing).
 */
import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import type { Command } from '../../../contract/index.ts';
import { refuseBeforeCount } from './claim.ts';
import { newCommandId, newStreamId } from './ids.ts';
import { maxLogLinesPerStream, schemaVersion } from './limits.ts';
import { toAuditEntry, toBatch, toBundle, toDevice, toLogStream, toOperator, toSession, toStoredCommand } from './rows.ts';
import type { FleetEvent, FleetStore } from './store.ts';

type Row = Record<string, unknown>;

const schema = `
CREATE TABLE batches (
  name TEXT PRIMARY KEY, token_hash TEXT NOT NULL, max_devices INTEGER, used INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, created_by TEXT NOT NULL, revoked_at INTEGER);
CREATE TABLE batch_serials (
  batch TEXT NOT NULL REFERENCES batches(name), position INTEGER NOT NULL, serial TEXT NOT NULL, claimed_at INTEGER,
  PRIMARY KEY (batch, serial));
CREATE TABLE devices (
  id TEXT PRIMARY KEY, batch TEXT NOT NULL REFERENCES batches(name), cert_serial TEXT NOT NULL UNIQUE, certificate TEXT NOT NULL,
  arch TEXT NOT NULL, image TEXT NOT NULL, version TEXT NOT NULL, hostname TEXT, serial TEXT,
  activated_at INTEGER NOT NULL, last_seen INTEGER, status TEXT, revoked_at INTEGER);
CREATE TABLE commands (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, device_id TEXT NOT NULL REFERENCES devices(id), body TEXT NOT NULL,
  created_at INTEGER NOT NULL, created_by TEXT NOT NULL, delivered_at INTEGER, finished_at INTEGER, result TEXT);
CREATE INDEX commands_undelivered ON commands (device_id) WHERE delivered_at IS NULL;
CREATE TABLE log_streams (
  id TEXT PRIMARY KEY, device_id TEXT NOT NULL REFERENCES devices(id), service TEXT NOT NULL,
  created_at INTEGER NOT NULL, ended_at INTEGER, dropped INTEGER NOT NULL DEFAULT 0, last_seq INTEGER NOT NULL DEFAULT 0);
CREATE TABLE log_lines (
  stream TEXT NOT NULL REFERENCES log_streams(id), seq INTEGER NOT NULL, line TEXT NOT NULL, PRIMARY KEY (stream, seq)) WITHOUT ROWID;
CREATE TABLE operators (
  name TEXT PRIMARY KEY, cert_serial TEXT UNIQUE, password_hash TEXT, created_at INTEGER NOT NULL, revoked_at INTEGER);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, operator TEXT NOT NULL, action TEXT NOT NULL, device TEXT, detail TEXT);
CREATE TABLE bundles (
  sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, version TEXT NOT NULL, compatible TEXT NOT NULL,
  uploaded_at INTEGER NOT NULL, bytes BLOB NOT NULL);
`;

/** Version 2: the web console's sessions, and each device's poll interval. */
const schemaV2 = `
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY, operator TEXT NOT NULL REFERENCES operators(name), created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
ALTER TABLE devices ADD COLUMN poll_wait INTEGER;
`;

export async function openSqliteStore(file: string): Promise<FleetStore> {
  const db = new Database(file);
  // WAL: readers (the console, a log follower) do not wait for a writer; busy_timeout: a
  // second process on the file waits for the lock instead of failing at once.
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const events = new EventEmitter();
  events.setMaxListeners(0);

  const one = (sql: string, ...params: unknown[]): Row | undefined => db.prepare(sql).get(...params) as Row | undefined;
  const all = (sql: string, ...params: unknown[]): Row[] => db.prepare(sql).all(...params) as Row[];
  const run = (sql: string, ...params: unknown[]) => db.prepare(sql).run(...params);
  const emit = (event: FleetEvent): void => void events.emit('event', event);

  const serialsOf = (row: Row): string[] | undefined =>
    row.max_devices === null ? all('SELECT serial FROM batch_serials WHERE batch = ? ORDER BY position', row.name).map((r) => String(r.serial)) : undefined;

  const claim = db.transaction((batchName: string, tokenHash: string, serial: string | undefined, now: number) => {
    const row = one('SELECT * FROM batches WHERE name = ?', batchName);
    if (row === undefined) return { ok: false as const, reason: 'unknown-batch' as const };
    const refusal = refuseBeforeCount(toBatch(row, undefined), tokenHash, now);
    if (refusal !== undefined) return { ok: false as const, reason: refusal };
    if (row.max_devices === null) {
      const registered = serial === undefined ? undefined : one('SELECT claimed_at FROM batch_serials WHERE batch = ? AND serial = ?', batchName, serial);
      if (registered === undefined) return { ok: false as const, reason: 'serial-not-registered' as const };
      if (registered.claimed_at !== null) return { ok: false as const, reason: 'serial-used' as const };
      run('UPDATE batch_serials SET claimed_at = ? WHERE batch = ? AND serial = ?', now, batchName, serial);
    } else if (Number(row.used) >= Number(row.max_devices)) {
      return { ok: false as const, reason: 'used-up' as const };
    }
    run('UPDATE batches SET used = used + 1 WHERE name = ?', batchName);
    return { ok: true as const };
  });

  const take = db.transaction((deviceId: string, now: number) => {
    const rows = all('SELECT seq, body FROM commands WHERE device_id = ? AND delivered_at IS NULL ORDER BY seq', deviceId);
    for (const row of rows) run('UPDATE commands SET delivered_at = ? WHERE seq = ?', now, row.seq);
    return rows.map((row) => JSON.parse(String(row.body)) as Command);
  });

  const append = db.transaction((stream: string, lines: string[], dropped: number, end: boolean, now: number) => {
    const row = one('SELECT last_seq FROM log_streams WHERE id = ?', stream);
    if (row === undefined) throw new Error(`fleet store: log stream ${stream} does not exist (expected an id from openLogStream)`);
    let seq = Number(row.last_seq);
    const insert = db.prepare('INSERT INTO log_lines (stream, seq, line) VALUES (?, ?, ?)');
    for (const line of lines) insert.run(stream, ++seq, line);
    run('UPDATE log_streams SET last_seq = ?, dropped = dropped + ?, ended_at = COALESCE(ended_at, ?) WHERE id = ?', seq, dropped, end ? now : null, stream);
    run('DELETE FROM log_lines WHERE stream = ? AND seq <= ?', stream, seq - maxLogLinesPerStream);
    return seq;
  });

  const store: FleetStore = {
    async migrate() {
      db.transaction(() => {
        run('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
        const current = Number(one('SELECT MAX(version) AS v FROM schema_version')?.v ?? 0);
        if (current > schemaVersion) throw new Error(`fleet store ${file}: schema version ${current} is newer than this imago (expected at most ${schemaVersion})`);
        if (current < 1) db.exec(schema);
        if (current < 2) db.exec(schemaV2);
        if (current < schemaVersion) run('INSERT INTO schema_version (version) VALUES (?)', schemaVersion);
      }).immediate();
    },
    async close() {
      events.removeAllListeners();
      db.close();
    },

    async createBatch(batch) {
      db.transaction(() => {
        run('INSERT INTO batches (name, token_hash, max_devices, created_at, expires_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
          batch.name, batch.tokenHash, batch.serials === undefined ? (batch.maxDevices ?? 0) : null, batch.createdAt, batch.expiresAt, batch.createdBy);
        batch.serials?.forEach((serial, position) => run('INSERT INTO batch_serials (batch, position, serial) VALUES (?, ?, ?)', batch.name, position, serial));
      }).immediate();
    },
    async listBatches() {
      return all('SELECT * FROM batches ORDER BY created_at, name').map((row) => toBatch(row, serialsOf(row)));
    },
    async getBatch(name) {
      const row = one('SELECT * FROM batches WHERE name = ?', name);
      return row && toBatch(row, serialsOf(row));
    },
    async revokeBatch(name, at) {
      return run('UPDATE batches SET revoked_at = COALESCE(revoked_at, ?) WHERE name = ?', at, name).changes > 0;
    },
    async claimActivation(batchName, tokenHash, serial, now) {
      return claim.immediate(batchName, tokenHash, serial, now);
    },

    async addDevice(device, now) {
      const id = device.id;
      run('INSERT INTO devices (id, batch, cert_serial, certificate, arch, image, version, hostname, serial, activated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        id, device.batch, device.certSerial, device.certificate, device.arch, device.image, device.version, device.hostname ?? null, device.serial ?? null, now);
      emit({ topic: 'device', deviceId: id });
      return toDevice(one('SELECT * FROM devices WHERE id = ?', id)!);
    },
    async getDevice(id) {
      const row = one('SELECT * FROM devices WHERE id = ?', id);
      return row && toDevice(row);
    },
    async getDeviceByCertSerial(certSerial) {
      const row = one('SELECT * FROM devices WHERE cert_serial = ?', certSerial);
      return row && toDevice(row);
    },
    async listDevices() {
      return all('SELECT * FROM devices ORDER BY activated_at, id').map(toDevice);
    },
    async recordHeartbeat(id, status, now, pollWait) {
      run('UPDATE devices SET last_seen = ?, status = ?, image = ?, version = ?, arch = ?, poll_wait = COALESCE(?, poll_wait) WHERE id = ?',
        now, JSON.stringify(status), status.image, status.version, status.arch, pollWait || null, id);
      emit({ topic: 'device', deviceId: id });
    },
    async revokeDevice(id, at) {
      const changed = run('UPDATE devices SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?', at, id).changes > 0;
      if (changed) emit({ topic: 'device', deviceId: id });
      return changed;
    },

    async enqueueCommand(deviceId, command, createdBy, now) {
      const full = { ...command, id: newCommandId() } as Command;
      run('INSERT INTO commands (id, device_id, body, created_at, created_by) VALUES (?, ?, ?, ?, ?)', full.id, deviceId, JSON.stringify(full), now, createdBy);
      emit({ topic: 'command', deviceId });
      return { command: full, deviceId, createdAt: now, createdBy };
    },
    async takeCommands(deviceId, now) {
      return take.immediate(deviceId, now);
    },
    async finishCommand(deviceId, result, now) {
      const changed = run('UPDATE commands SET finished_at = ?, result = ? WHERE id = ? AND device_id = ?', now, JSON.stringify(result), result.id, deviceId).changes > 0;
      if (changed) emit({ topic: 'result', deviceId, commandId: result.id });
      return changed;
    },
    async getCommand(id) {
      const row = one('SELECT * FROM commands WHERE id = ?', id);
      return row && toStoredCommand(row);
    },

    async openLogStream(deviceId, service, now) {
      const id = newStreamId();
      run('INSERT INTO log_streams (id, device_id, service, created_at) VALUES (?, ?, ?, ?)', id, deviceId, service, now);
      return { id, deviceId, service, createdAt: now, dropped: 0 };
    },
    async getLogStream(id) {
      const row = one('SELECT * FROM log_streams WHERE id = ?', id);
      return row && toLogStream(row);
    },
    async appendLogLines(stream, lines, dropped, end, now) {
      const seq = append.immediate(stream, lines, dropped, end, now);
      emit({ topic: 'log', stream });
      return seq;
    },
    async readLogLines(stream, afterSeq, limit) {
      return all('SELECT seq, line FROM log_lines WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?', stream, afterSeq, limit)
        .map((row) => ({ seq: Number(row.seq), line: String(row.line) }));
    },

    async addOperator(operator) {
      run('INSERT INTO operators (name, cert_serial, password_hash, created_at) VALUES (?, ?, ?, ?)', operator.name, operator.certSerial ?? null, operator.passwordHash ?? null, operator.createdAt);
    },
    async getOperator(name) {
      const row = one('SELECT * FROM operators WHERE name = ?', name);
      return row && toOperator(row);
    },
    async getOperatorByCertSerial(certSerial) {
      const row = one('SELECT * FROM operators WHERE cert_serial = ?', certSerial);
      return row && toOperator(row);
    },
    async listOperators() {
      return all('SELECT * FROM operators ORDER BY name').map(toOperator);
    },

    async addAudit(entry) {
      run('INSERT INTO audit (at, operator, action, device, detail) VALUES (?, ?, ?, ?, ?)', entry.at, entry.operator, entry.action, entry.device ?? null, entry.detail === undefined ? null : JSON.stringify(entry.detail));
      emit({ topic: 'audit' });
    },
    async listAudit(limit) {
      return all('SELECT * FROM audit ORDER BY id DESC LIMIT ?', limit).map(toAuditEntry);
    },

    async createSession(session, now) {
      db.transaction(() => {
        run('DELETE FROM sessions WHERE expires_at <= ?', now);
        run('INSERT INTO sessions (id_hash, operator, created_at, expires_at) VALUES (?, ?, ?, ?)', session.idHash, session.operator, session.createdAt, session.expiresAt);
      }).immediate();
    },
    async getSession(idHash, now) {
      const row = one('SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?', idHash, now);
      return row && toSession(row);
    },
    async deleteSession(idHash) {
      return run('DELETE FROM sessions WHERE id_hash = ?', idHash).changes > 0;
    },

    async putBundle(bundle, bytes, now) {
      run('INSERT OR REPLACE INTO bundles (sha256, size, version, compatible, uploaded_at, bytes) VALUES (?, ?, ?, ?, ?, ?)',
        bundle.sha256, bundle.size, bundle.version, bundle.compatible, now, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
    async getBundle(sha256) {
      const row = one('SELECT sha256, size, version, compatible, uploaded_at FROM bundles WHERE sha256 = ?', sha256);
      return row && toBundle(row);
    },
    async readBundle(sha256) {
      const row = one('SELECT bytes FROM bundles WHERE sha256 = ?', sha256);
      return row && new Uint8Array(row.bytes as Buffer);
    },

    async publish(event) {
      emit(event);
    },
    subscribe(listener) {
      events.on('event', listener);
      return () => void events.off('event', listener);
    },
  };
  return store;
}
