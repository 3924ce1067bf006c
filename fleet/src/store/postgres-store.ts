/**
 * The shared backend: several `imago fleet serve` processes on one
 * PostgreSQL database. Every rule that must hold across processes is one
 * statement or one transaction holding a row lock: a claim locks its batch
 * row (SELECT ... FOR UPDATE), a take marks rows with UPDATE ... RETURNING
 * (a second process's UPDATE waits on the row lock, then no longer matches),
 * and a log append locks its stream row. Events go through LISTEN/NOTIFY on
 * one channel, heard by a dedicated connection that reconnects if it drops.
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Command } from '../../../contract/index.ts';
import { refuseBeforeCount } from './claim.ts';
import { newCommandId, newStreamId } from './ids.ts';
import { maxLogLinesPerStream, schemaVersion } from './limits.ts';
import { toAuditEntry, toBatch, toBundle, toDevice, toLogStream, toOperator, toSession, toStoredCommand } from './rows.ts';
import type { ClaimRefusal, FleetEvent, FleetStore } from './store.ts';

type Row = Record<string, unknown>;

const channel = 'imago_fleet';
/** Any fixed number: every imago process takes this advisory lock to migrate, so only one at a time does. */
const migrateLock = 0x1ea90f1e;

const schema = `
CREATE TABLE batches (
  name text PRIMARY KEY, token_hash text NOT NULL, max_devices integer, used integer NOT NULL DEFAULT 0,
  created_at bigint NOT NULL, expires_at bigint NOT NULL, created_by text NOT NULL, revoked_at bigint);
CREATE TABLE batch_serials (
  batch text NOT NULL REFERENCES batches(name), position integer NOT NULL, serial text NOT NULL, claimed_at bigint,
  PRIMARY KEY (batch, serial));
CREATE TABLE devices (
  id text PRIMARY KEY, batch text NOT NULL REFERENCES batches(name), cert_serial text NOT NULL UNIQUE, certificate text NOT NULL,
  arch text NOT NULL, image text NOT NULL, version text NOT NULL, hostname text, serial text,
  activated_at bigint NOT NULL, last_seen bigint, status jsonb, revoked_at bigint);
CREATE TABLE commands (
  seq bigserial PRIMARY KEY, id text NOT NULL UNIQUE, device_id text NOT NULL REFERENCES devices(id), body jsonb NOT NULL,
  created_at bigint NOT NULL, created_by text NOT NULL, delivered_at bigint, finished_at bigint, result jsonb);
CREATE INDEX commands_undelivered ON commands (device_id) WHERE delivered_at IS NULL;
CREATE TABLE log_streams (
  id text PRIMARY KEY, device_id text NOT NULL REFERENCES devices(id), service text NOT NULL,
  created_at bigint NOT NULL, ended_at bigint, dropped bigint NOT NULL DEFAULT 0, last_seq bigint NOT NULL DEFAULT 0);
CREATE TABLE log_lines (
  stream text NOT NULL REFERENCES log_streams(id), seq bigint NOT NULL, line text NOT NULL, PRIMARY KEY (stream, seq));
CREATE TABLE operators (
  name text PRIMARY KEY, cert_serial text UNIQUE, password_hash text, created_at bigint NOT NULL, revoked_at bigint);
CREATE TABLE audit (
  id bigserial PRIMARY KEY, at bigint NOT NULL, operator text NOT NULL, action text NOT NULL, device text, detail jsonb);
CREATE TABLE bundles (
  sha256 text PRIMARY KEY, size bigint NOT NULL, version text NOT NULL, compatible text NOT NULL,
  uploaded_at bigint NOT NULL, bytes bytea NOT NULL);
`;

/** Version 2: the web console's sessions, and each device's poll interval. */
const schemaV2 = `
CREATE TABLE sessions (
  id_hash text PRIMARY KEY, operator text NOT NULL REFERENCES operators(name), created_at bigint NOT NULL, expires_at bigint NOT NULL);
ALTER TABLE devices ADD COLUMN poll_wait integer;
`;

/** Keeps one LISTEN connection open, reconnecting after a drop, until stopped. */
async function listen(config: pg.ClientConfig, deliver: (event: FleetEvent) => void): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new pg.Client(config);
    next.on('notification', (message) => {
      if (message.channel !== channel || message.payload === undefined) return;
      try {
        deliver(JSON.parse(message.payload) as FleetEvent);
      } catch {
        // Another program writing to our channel is not ours to answer.
      }
    });
    const reconnect = () => {
      if (stopped || client !== next) return;
      client = undefined;
      next.end().catch(() => undefined);
      retry = setTimeout(() => void connect().catch(reconnect), 500);
    };
    next.on('error', reconnect);
    next.on('end', reconnect);
    client = next;
    await next.connect();
    await next.query(`LISTEN ${channel}`);
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}

export async function openPostgresStore(connection: string | pg.PoolConfig): Promise<FleetStore> {
  const config: pg.PoolConfig = typeof connection === 'string' ? { connectionString: connection } : connection;
  const pool = new pg.Pool(config);
  // An idle client's error (the server restarted) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const stopListening = await listen(config, (event) => void events.emit('event', event));

  const query = async (sql: string, params: unknown[] = []): Promise<Row[]> => (await pool.query(sql, params)).rows as Row[];
  const one = async (sql: string, params: unknown[] = []): Promise<Row | undefined> => (await query(sql, params))[0];
  const notify = async (event: FleetEvent): Promise<void> => void (await pool.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify(event)]));

  async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  const serialsOf = async (row: Row): Promise<string[] | undefined> =>
    row.max_devices === null ? (await query('SELECT serial FROM batch_serials WHERE batch = $1 ORDER BY position', [row.name])).map((r) => String(r.serial)) : undefined;

  const store: FleetStore = {
    async migrate() {
      await transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [migrateLock]);
        await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
        const current = Number((await client.query('SELECT MAX(version) AS v FROM schema_version')).rows[0]?.v ?? 0);
        if (current > schemaVersion) throw new Error(`fleet store (PostgreSQL): schema version ${current} is newer than this imago (expected at most ${schemaVersion})`);
        if (current < 1) await client.query(schema);
        if (current < 2) await client.query(schemaV2);
        if (current < schemaVersion) await client.query('INSERT INTO schema_version (version) VALUES ($1)', [schemaVersion]);
      });
    },
    async close() {
      events.removeAllListeners();
      await stopListening();
      await pool.end();
    },

    async createBatch(batch) {
      await transaction(async (client) => {
        await client.query('INSERT INTO batches (name, token_hash, max_devices, created_at, expires_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)',
          [batch.name, batch.tokenHash, batch.serials === undefined ? (batch.maxDevices ?? 0) : null, batch.createdAt, batch.expiresAt, batch.createdBy]);
        for (const [position, serial] of (batch.serials ?? []).entries()) {
          await client.query('INSERT INTO batch_serials (batch, position, serial) VALUES ($1, $2, $3)', [batch.name, position, serial]);
        }
      });
    },
    async listBatches() {
      const rows = await query('SELECT * FROM batches ORDER BY created_at, name');
      return Promise.all(rows.map(async (row) => toBatch(row, await serialsOf(row))));
    },
    async getBatch(name) {
      const row = await one('SELECT * FROM batches WHERE name = $1', [name]);
      return row && toBatch(row, await serialsOf(row));
    },
    async revokeBatch(name, at) {
      return ((await pool.query('UPDATE batches SET revoked_at = COALESCE(revoked_at, $1) WHERE name = $2', [at, name])).rowCount ?? 0) > 0;
    },
    async claimActivation(batchName, tokenHash, serial, now) {
      const refuse = (reason: ClaimRefusal) => ({ ok: false as const, reason });
      return transaction(async (client) => {
        const row = (await client.query('SELECT * FROM batches WHERE name = $1 FOR UPDATE', [batchName])).rows[0] as Row | undefined;
        if (row === undefined) return refuse('unknown-batch');
        const refusal = refuseBeforeCount(toBatch(row, undefined), tokenHash, now);
        if (refusal !== undefined) return refuse(refusal);
        if (row.max_devices === null) {
          if (serial === undefined) return refuse('serial-not-registered');
          const registered = (await client.query('SELECT claimed_at FROM batch_serials WHERE batch = $1 AND serial = $2', [batchName, serial])).rows[0] as Row | undefined;
          if (registered === undefined) return refuse('serial-not-registered');
          if (registered.claimed_at !== null) return refuse('serial-used');
          await client.query('UPDATE batch_serials SET claimed_at = $1 WHERE batch = $2 AND serial = $3', [now, batchName, serial]);
        } else if (Number(row.used) >= Number(row.max_devices)) {
          return refuse('used-up');
        }
        await client.query('UPDATE batches SET used = used + 1 WHERE name = $1', [batchName]);
        return { ok: true as const };
      });
    },

    async addDevice(device, now) {
      const row = await one(
        'INSERT INTO devices (id, batch, cert_serial, certificate, arch, image, version, hostname, serial, activated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *',
        [device.id, device.batch, device.certSerial, device.certificate, device.arch, device.image, device.version, device.hostname ?? null, device.serial ?? null, now]);
      const added = toDevice(row!);
      await notify({ topic: 'device', deviceId: added.id });
      return added;
    },
    async getDevice(id) {
      const row = await one('SELECT * FROM devices WHERE id = $1', [id]);
      return row && toDevice(row);
    },
    async getDeviceByCertSerial(certSerial) {
      const row = await one('SELECT * FROM devices WHERE cert_serial = $1', [certSerial]);
      return row && toDevice(row);
    },
    async listDevices() {
      return (await query('SELECT * FROM devices ORDER BY activated_at, id')).map(toDevice);
    },
    async recordHeartbeat(id, status, now, pollWait) {
      await pool.query('UPDATE devices SET last_seen = $1, status = $2, image = $3, version = $4, arch = $5, poll_wait = COALESCE($7, poll_wait) WHERE id = $6',
        [now, JSON.stringify(status), status.image, status.version, status.arch, id, pollWait || null]);
      await notify({ topic: 'device', deviceId: id });
    },
    async revokeDevice(id, at) {
      const changed = ((await pool.query('UPDATE devices SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2', [at, id])).rowCount ?? 0) > 0;
      if (changed) await notify({ topic: 'device', deviceId: id });
      return changed;
    },

    async enqueueCommand(deviceId, command, createdBy, now) {
      const full = { ...command, id: newCommandId() } as Command;
      await pool.query('INSERT INTO commands (id, device_id, body, created_at, created_by) VALUES ($1, $2, $3, $4, $5)', [full.id, deviceId, JSON.stringify(full), now, createdBy]);
      await notify({ topic: 'command', deviceId });
      return { command: full, deviceId, createdAt: now, createdBy };
    },
    async takeCommands(deviceId, now) {
      const rows = await query('UPDATE commands SET delivered_at = $2 WHERE device_id = $1 AND delivered_at IS NULL RETURNING seq, body', [deviceId, now]);
      return rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map((row) => row.body as Command);
    },
    async finishCommand(deviceId, result, now) {
      const changed = ((await pool.query('UPDATE commands SET finished_at = $1, result = $2 WHERE id = $3 AND device_id = $4', [now, JSON.stringify(result), result.id, deviceId])).rowCount ?? 0) > 0;
      if (changed) await notify({ topic: 'result', deviceId, commandId: result.id });
      return changed;
    },
    async getCommand(id) {
      const row = await one('SELECT * FROM commands WHERE id = $1', [id]);
      return row && toStoredCommand(row);
    },

    async openLogStream(deviceId, service, now) {
      const id = newStreamId();
      await pool.query('INSERT INTO log_streams (id, device_id, service, created_at) VALUES ($1, $2, $3, $4)', [id, deviceId, service, now]);
      return { id, deviceId, service, createdAt: now, dropped: 0 };
    },
    async getLogStream(id) {
      const row = await one('SELECT * FROM log_streams WHERE id = $1', [id]);
      return row && toLogStream(row);
    },
    async appendLogLines(stream, lines, dropped, end, now) {
      const seq = await transaction(async (client) => {
        const row = (await client.query('SELECT last_seq FROM log_streams WHERE id = $1 FOR UPDATE', [stream])).rows[0] as Row | undefined;
        if (row === undefined) throw new Error(`fleet store: log stream ${stream} does not exist (expected an id from openLogStream)`);
        const first = Number(row.last_seq) + 1;
        const last = first + lines.length - 1;
        if (lines.length > 0) {
          await client.query('INSERT INTO log_lines (stream, seq, line) SELECT $1, $2 + ordinality - 1, line FROM unnest($3::text[]) WITH ORDINALITY AS l(line, ordinality)',
            [stream, first, lines]);
        }
        await client.query('UPDATE log_streams SET last_seq = $1, dropped = dropped + $2, ended_at = COALESCE(ended_at, $3) WHERE id = $4', [last, dropped, end ? now : null, stream]);
        await client.query('DELETE FROM log_lines WHERE stream = $1 AND seq <= $2', [stream, last - maxLogLinesPerStream]);
        return last;
      });
      await notify({ topic: 'log', stream });
      return seq;
    },
    async readLogLines(stream, afterSeq, limit) {
      return (await query('SELECT seq, line FROM log_lines WHERE stream = $1 AND seq > $2 ORDER BY seq LIMIT $3', [stream, afterSeq, limit]))
        .map((row) => ({ seq: Number(row.seq), line: String(row.line) }));
    },

    async addOperator(operator) {
      await pool.query('INSERT INTO operators (name, cert_serial, password_hash, created_at) VALUES ($1, $2, $3, $4)',
        [operator.name, operator.certSerial ?? null, operator.passwordHash ?? null, operator.createdAt]);
    },
    async getOperator(name) {
      const row = await one('SELECT * FROM operators WHERE name = $1', [name]);
      return row && toOperator(row);
    },
    async getOperatorByCertSerial(certSerial) {
      const row = await one('SELECT * FROM operators WHERE cert_serial = $1', [certSerial]);
      return row && toOperator(row);
    },
    async listOperators() {
      return (await query('SELECT * FROM operators ORDER BY name')).map(toOperator);
    },

    async addAudit(entry) {
      await pool.query('INSERT INTO audit (at, operator, action, device, detail) VALUES ($1, $2, $3, $4, $5)',
        [entry.at, entry.operator, entry.action, entry.device ?? null, entry.detail === undefined ? null : JSON.stringify(entry.detail)]);
      await notify({ topic: 'audit' });
    },
    async listAudit(limit) {
      return (await query('SELECT * FROM audit ORDER BY id DESC LIMIT $1', [limit])).map(toAuditEntry);
    },

    async createSession(session, now) {
      await transaction(async (client) => {
        await client.query('DELETE FROM sessions WHERE expires_at <= $1', [now]);
        await client.query('INSERT INTO sessions (id_hash, operator, created_at, expires_at) VALUES ($1, $2, $3, $4)', [session.idHash, session.operator, session.createdAt, session.expiresAt]);
      });
    },
    async getSession(idHash, now) {
      const row = await one('SELECT * FROM sessions WHERE id_hash = $1 AND expires_at > $2', [idHash, now]);
      return row && toSession(row);
    },
    async deleteSession(idHash) {
      return ((await pool.query('DELETE FROM sessions WHERE id_hash = $1', [idHash])).rowCount ?? 0) > 0;
    },

    async putBundle(bundle, bytes, now) {
      await pool.query(
        'INSERT INTO bundles (sha256, size, version, compatible, uploaded_at, bytes) VALUES ($1, $2, $3, $4, $5, $6) ' +
          'ON CONFLICT (sha256) DO UPDATE SET size = EXCLUDED.size, version = EXCLUDED.version, compatible = EXCLUDED.compatible, uploaded_at = EXCLUDED.uploaded_at, bytes = EXCLUDED.bytes',
        [bundle.sha256, bundle.size, bundle.version, bundle.compatible, now, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
    },
    async getBundle(sha256) {
      const row = await one('SELECT sha256, size, version, compatible, uploaded_at FROM bundles WHERE sha256 = $1', [sha256]);
      return row && toBundle(row);
    },
    async readBundle(sha256) {
      const row = await one('SELECT bytes FROM bundles WHERE sha256 = $1', [sha256]);
      return row && new Uint8Array(row.bytes as Buffer);
    },

    async publish(event) {
      await notify(event);
    },
    subscribe(listener) {
      events.on('event', listener);
      return () => void events.off('event', listener);
    },
  };
  return store;
}
