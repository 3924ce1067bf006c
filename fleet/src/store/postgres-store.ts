/**
 * The fleet store on PostgreSQL, for several `imago fleet serve` processes
 * sharing one database. Every rule that must hold across processes is one
 * statement or one locked transaction in the database, never a check in
 * memory: a batch row is locked while a claim is judged, commands are taken
 * by one UPDATE ... RETURNING, and events travel by LISTEN/NOTIFY so a poll
 * held by one process wakes when another wrote.
 */
import pg from 'pg';
import type { Command, CommandResult, DeviceStatus } from '../../../contract/index.ts';
import type { AuditEntry, Batch, Bundle, Device, FleetEvent, FleetStore, LogStream, Operator, StoredCommand } from './store.ts';
import { parsePostgresConnection } from './postgres-connection.ts';
import { postgresMigrations } from './postgres-schema.ts';
import { openEventListener } from './postgres-events.ts';
import { claimRefusal, logLinesKept, newStoreId } from './store-rules.ts';

/** Any number that names the fleet's schema lock; processes of other programs on the same database are unlikely to pick it. */
const migrationLockKey = 0x696d61676f;

type Row = Record<string, any>;

const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

/** Drops the keys whose value is undefined, so a stored object equals the one the caller gave. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const toBatch = (r: Row): Batch =>
  defined({ name: r.name, tokenHash: r.token_hash, maxDevices: num(r.max_devices), serials: r.serials ?? undefined, used: Number(r.used), createdAt: Number(r.created_at), expiresAt: Number(r.expires_at), createdBy: r.created_by, revokedAt: num(r.revoked_at) });

const toDevice = (r: Row): Device =>
  defined({ id: r.id, batch: r.batch, certSerial: r.cert_serial, certificate: r.certificate, arch: r.arch, image: r.image, version: r.version, hostname: str(r.hostname), serial: str(r.serial), activatedAt: Number(r.activated_at), lastSeen: num(r.last_seen), status: (r.status ?? undefined) as DeviceStatus | undefined, revokedAt: num(r.revoked_at) });

const toCommand = (r: Row): StoredCommand =>
  defined({ command: r.body as Command, deviceId: r.device_id, createdAt: Number(r.created_at), createdBy: r.created_by, deliveredAt: num(r.delivered_at), finishedAt: num(r.finished_at), result: (r.result ?? undefined) as CommandResult | undefined });

const toStream = (r: Row): LogStream => defined({ id: r.id, deviceId: r.device_id, service: r.service, createdAt: Number(r.created_at), endedAt: num(r.ended_at), dropped: Number(r.dropped) });

const toOperator = (r: Row): Operator => defined({ name: r.name, certSerial: str(r.cert_serial), passwordHash: str(r.password_hash), createdAt: Number(r.created_at), revokedAt: num(r.revoked_at) });

const toAudit = (r: Row): AuditEntry => defined({ id: Number(r.id), at: Number(r.at), operator: r.operator, action: r.action, device: str(r.device), detail: r.detail ?? undefined });

const toBundle = (r: Row): Bundle => ({ sha256: r.sha256, size: Number(r.size), version: r.version, compatible: r.compatible, uploadedAt: Number(r.uploaded_at) });

/** jsonb parameters go as text: pg would send a JS array as a PostgreSQL array, not JSON. */
const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

export async function openPostgresStore(connection: string): Promise<FleetStore> {
  const config = parsePostgresConnection(connection);
  const pool = new pg.Pool({ ...config, max: 10 });
  // An idle pooled connection that the server drops must not crash the process; the next query takes a fresh one.
  pool.on('error', () => {});
  const events = await openEventListener(config);

  const one = async (sql: string, params: unknown[] = []): Promise<Row | undefined> => (await pool.query(sql, params)).rows[0];
  const all = async (sql: string, params: unknown[] = []): Promise<Row[]> => (await pool.query(sql, params)).rows;

  async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  const store: FleetStore = {
    async migrate() {
      await inTransaction(async (client) => {
        // Held to the transaction's end: a second process waits here, then finds the steps done.
        await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
        await client.query('CREATE TABLE IF NOT EXISTS fleet_schema (version integer NOT NULL)');
        const row = (await client.query('SELECT version FROM fleet_schema')).rows[0];
        let version = row ? Number(row.version) : 0;
        if (!row) await client.query('INSERT INTO fleet_schema (version) VALUES (0)');
        for (; version < postgresMigrations.length; version++) await client.query(postgresMigrations[version]!);
        await client.query('UPDATE fleet_schema SET version = $1', [version]);
      });
    },
    async close() {
      await events.close();
      await pool.end();
    },

    async createBatch(b) {
      await pool.query('INSERT INTO fleet_batches (name, token_hash, max_devices, serials, created_at, expires_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)', [b.name, b.tokenHash, b.maxDevices ?? null, json(b.serials), b.createdAt, b.expiresAt, b.createdBy]);
    },
    async listBatches() {
      return (await all('SELECT * FROM fleet_batches ORDER BY created_at, name')).map(toBatch);
    },
    async getBatch(name) {
      const r = await one('SELECT * FROM fleet_batches WHERE name = $1', [name]);
      return r && toBatch(r);
    },
    async revokeBatch(name, at) {
      return ((await pool.query('UPDATE fleet_batches SET revoked_at = $2 WHERE name = $1', [name, at])).rowCount ?? 0) > 0;
    },
    async claimActivation(batchName, tokenHash, serial, now) {
      return inTransaction(async (client) => {
        // FOR UPDATE: concurrent claims on one batch are judged one after another, each seeing the last one's count.
        const r = (await client.query('SELECT * FROM fleet_batches WHERE name = $1 FOR UPDATE', [batchName])).rows[0];
        const batch = r && toBatch(r);
        const serialUsed = serial !== undefined && batch !== undefined && (await client.query('SELECT 1 FROM fleet_serial_claims WHERE batch = $1 AND serial = $2', [batchName, serial])).rowCount! > 0;
        const reason = claimRefusal(batch, tokenHash, serial, serialUsed, now);
        if (reason) return { ok: false as const, reason };
        await client.query('UPDATE fleet_batches SET used = used + 1 WHERE name = $1', [batchName]);
        if (batch!.serials !== undefined) await client.query('INSERT INTO fleet_serial_claims (batch, serial) VALUES ($1, $2)', [batchName, serial]);
        return { ok: true as const };
      });
    },

    async addDevice(d, now) {
      const r = await one(
        'INSERT INTO fleet_devices (id, batch, cert_serial, certificate, arch, image, version, hostname, serial, activated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *',
        [d.id, d.batch, d.certSerial, d.certificate, d.arch, d.image, d.version, d.hostname ?? null, d.serial ?? null, now],
      );
      return toDevice(r!);
    },
    async getDevice(id) {
      const r = await one('SELECT * FROM fleet_devices WHERE id = $1', [id]);
      return r && toDevice(r);
    },
    async getDeviceByCertSerial(certSerial) {
      const r = await one('SELECT * FROM fleet_devices WHERE cert_serial = $1', [certSerial]);
      return r && toDevice(r);
    },
    async listDevices() {
      return (await all('SELECT * FROM fleet_devices ORDER BY activated_at, id')).map(toDevice);
    },
    async recordHeartbeat(id, status, now) {
      await pool.query('UPDATE fleet_devices SET status = $2, last_seen = $3 WHERE id = $1', [id, json(status), now]);
    },
    async revokeDevice(id, at) {
      return ((await pool.query('UPDATE fleet_devices SET revoked_at = $2 WHERE id = $1', [id, at])).rowCount ?? 0) > 0;
    },

    async enqueueCommand(deviceId, command, createdBy, now) {
      const stored = { ...command, id: newStoreId('cmd') } as Command;
      const r = await one('INSERT INTO fleet_commands (id, device_id, body, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING *', [stored.id, deviceId, json(stored), now, createdBy]);
      await store.publish({ topic: 'command', deviceId });
      return toCommand(r!);
    },
    async takeCommands(deviceId, now) {
      // One UPDATE: a second process taking at once blocks on the same rows, then sees them delivered and skips them.
      const rows = await all('UPDATE fleet_commands SET delivered_at = $2 WHERE device_id = $1 AND delivered_at IS NULL RETURNING seq, body', [deviceId, now]);
      return rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map((r) => r.body as Command);
    },
    async finishCommand(deviceId, result, now) {
      return ((await pool.query('UPDATE fleet_commands SET result = $3, finished_at = $4 WHERE id = $1 AND device_id = $2', [result.id, deviceId, json(result), now])).rowCount ?? 0) > 0;
    },
    async getCommand(id) {
      const r = await one('SELECT * FROM fleet_commands WHERE id = $1', [id]);
      return r && toCommand(r);
    },

    async openLogStream(deviceId, service, now) {
      const r = await one('INSERT INTO fleet_log_streams (id, device_id, service, created_at) VALUES ($1, $2, $3, $4) RETURNING *', [newStoreId('log'), deviceId, service, now]);
      return toStream(r!);
    },
    async getLogStream(id) {
      const r = await one('SELECT * FROM fleet_log_streams WHERE id = $1', [id]);
      return r && toStream(r);
    },
    async appendLogLines(stream, lines, dropped, end, now) {
      return inTransaction(async (client) => {
        // Moving last_seq locks the stream's row, so two appends to one stream number their lines one after the other.
        const r = (
          await client.query('UPDATE fleet_log_streams SET last_seq = last_seq + $2, dropped = dropped + $3, ended_at = CASE WHEN $4 THEN $5 ELSE ended_at END WHERE id = $1 RETURNING last_seq', [stream, lines.length, dropped, end, now])
        ).rows[0];
        if (!r) throw new Error(`log stream ${stream}: no such stream in the fleet store`);
        const last = Number(r.last_seq);
        if (lines.length > 0) {
          await client.query('INSERT INTO fleet_log_lines (stream, seq, line) SELECT $1, $2::bigint + n, line FROM unnest($3::text[]) WITH ORDINALITY AS t(line, n)', [stream, last - lines.length, lines]);
          await client.query('DELETE FROM fleet_log_lines WHERE stream = $1 AND seq <= $2', [stream, last - logLinesKept]);
        }
        return last;
      });
    },
    async readLogLines(stream, afterSeq, limit) {
      return (await all('SELECT seq, line FROM fleet_log_lines WHERE stream = $1 AND seq > $2 ORDER BY seq LIMIT $3', [stream, afterSeq, limit])).map((r) => ({ seq: Number(r.seq), line: r.line }));
    },

    async addOperator(o) {
      await pool.query('INSERT INTO fleet_operators (name, cert_serial, password_hash, created_at) VALUES ($1, $2, $3, $4)', [o.name, o.certSerial ?? null, o.passwordHash ?? null, o.createdAt]);
    },
    async getOperator(name) {
      const r = await one('SELECT * FROM fleet_operators WHERE name = $1', [name]);
      return r && toOperator(r);
    },
    async getOperatorByCertSerial(certSerial) {
      const r = await one('SELECT * FROM fleet_operators WHERE cert_serial = $1', [certSerial]);
      return r && toOperator(r);
    },
    async listOperators() {
      return (await all('SELECT * FROM fleet_operators ORDER BY created_at, name')).map(toOperator);
    },

    async addAudit(e) {
      await pool.query('INSERT INTO fleet_audit (at, operator, action, device, detail) VALUES ($1, $2, $3, $4, $5)', [e.at, e.operator, e.action, e.device ?? null, json(e.detail)]);
    },
    async listAudit(limit) {
      return (await all('SELECT * FROM fleet_audit ORDER BY id DESC LIMIT $1', [limit])).map(toAudit);
    },

    async putBundle(b, bytes, now) {
      // The same sha256 is the same bytes: uploading again keeps the first copy.
      await pool.query('INSERT INTO fleet_bundles (sha256, size, version, compatible, uploaded_at, bytes) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING', [b.sha256, b.size, b.version, b.compatible, now, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
    },
    async getBundle(sha256) {
      const r = await one('SELECT sha256, size, version, compatible, uploaded_at FROM fleet_bundles WHERE sha256 = $1', [sha256]);
      return r && toBundle(r);
    },
    async readBundle(sha256) {
      const r = await one('SELECT bytes FROM fleet_bundles WHERE sha256 = $1', [sha256]);
      return r && new Uint8Array(r.bytes as Buffer);
    },

    async publish(event: FleetEvent) {
      await events.publish(pool, event);
    },
    subscribe(listener) {
      return events.subscribe(listener);
    },
  };
  return store;
}
