/**
 * One conformance suite for both backends: the server codes against
 * FleetStore, so SQLite and PostgreSQL must answer every call the same way.
 * PostgreSQL runs in a throw-away cluster started once for this file, with a
 * fresh database per test; "two stores" on PostgreSQL are two pools, as two
 * server processes would hold.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import { newDeviceId } from './ids.ts';
import pg from 'pg';
import Database from 'better-sqlite3';
import { startPostgres } from '../../test/postgres-cluster.ts';
import { openPostgresStore } from './postgres-store.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { FleetEvent, FleetStore } from './store.ts';
import type { DeviceStatus } from '../../../contract/index.ts';

interface Backend {
  name: string;
  /** Opens `count` stores on one fresh database (several only where the backend shares one between processes). */
  open(count: number): Promise<FleetStore[]>;
}

const folder = mkdtempSync(join(tmpdir(), 'imago-store-test-'));
const opened: FleetStore[] = [];
let cluster: Awaited<ReturnType<typeof startPostgres>> | undefined;
let databases = 0;

const sqlite: Backend = {
  name: 'sqlite',
  async open(count) {
    const file = join(folder, `fleet-${databases++}.db`);
    const stores = [];
    for (let i = 0; i < count; i++) stores.push(await openSqliteStore(file));
    opened.push(...stores);
    for (const store of stores) await store.migrate();
    return stores;
  },
};

const postgres: Backend = {
  name: 'postgres',
  async open(count) {
    cluster ??= await startPostgres();
    const database = `fleet_${databases++}`;
    const admin = new pg.Client({ connectionString: cluster.connection });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const connection = cluster.connection.replace(/\/[^/]*$/, `/${database}`);
    const stores = [];
    for (let i = 0; i < count; i++) stores.push(await openPostgresStore(connection));
    opened.push(...stores);
    await Promise.all(stores.map((store) => store.migrate()));
    return stores;
  },
};

test.after.always(async () => {
  for (const store of opened) await store.close().catch(() => undefined);
  await cluster?.stop();
  rmSync(folder, { recursive: true, force: true });
});

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');
const hour = 3_600_000;
const now = 1_800_000_000_000;

const status: DeviceStatus = { image: 'edge', version: '1.2.0', arch: 'x86_64', uptime: 5, services: [] } as unknown as DeviceStatus;

async function withDevice(store: FleetStore, serial?: string) {
  const batch = `b-${randomBytes(3).toString('hex')}`;
  await store.createBatch({ name: batch, tokenHash: hash('t'), maxDevices: 100, createdAt: now, expiresAt: now + hour, createdBy: 'alice' });
  return store.addDevice({ id: newDeviceId(), batch, certSerial: randomBytes(8).toString('hex'), certificate: '-----BEGIN CERTIFICATE-----', arch: 'x86_64', image: 'edge', version: '1.0.0', serial }, now);
}

function nextEvent(store: FleetStore, matches: (event: FleetEvent) => boolean): Promise<FleetEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error('no event within 5 s')); }, 5000);
    const stop = store.subscribe((event) => {
      if (!matches(event)) return;
      clearTimeout(timer);
      stop();
      resolve(event);
    });
  });
}

for (const backend of [sqlite, postgres]) {
  const name = (title: string) => `${backend.name}: ${title}`;

  test.serial(name('migrate twice leaves a working schema'), async (t) => {
    const [store] = await backend.open(1);
    await store!.migrate();
    await store!.migrate();
    t.deepEqual(await store!.listBatches(), []);
  });

  test.serial(name('batches are created, listed and revoked'), async (t) => {
    const [store] = await backend.open(1);
    await store!.createBatch({ name: 'counted', tokenHash: hash('a'), maxDevices: 3, createdAt: now, expiresAt: now + hour, createdBy: 'alice' });
    await store!.createBatch({ name: 'listed', tokenHash: hash('b'), serials: ['SN2', 'SN1'], createdAt: now + 1, expiresAt: now + hour, createdBy: 'bob' });
    t.deepEqual(await store!.listBatches(), [
      { name: 'counted', tokenHash: hash('a'), maxDevices: 3, used: 0, createdAt: now, expiresAt: now + hour, createdBy: 'alice' },
      { name: 'listed', tokenHash: hash('b'), serials: ['SN2', 'SN1'], used: 0, createdAt: now + 1, expiresAt: now + hour, createdBy: 'bob' },
    ]);
    t.true(await store!.revokeBatch('counted', now + 5));
    t.false(await store!.revokeBatch('missing', now + 5));
    t.is((await store!.getBatch('counted'))?.revokedAt, now + 5);
    t.is(await store!.getBatch('missing'), undefined);
  });

  test.serial(name('claimActivation refuses for each reason and counts successes'), async (t) => {
    const [store] = await backend.open(1);
    await store!.createBatch({ name: 'two', tokenHash: hash('tok'), maxDevices: 2, createdAt: now, expiresAt: now + hour, createdBy: 'alice' });
    await store!.createBatch({ name: 'old', tokenHash: hash('tok'), maxDevices: 2, createdAt: now - 2 * hour, expiresAt: now - hour, createdBy: 'alice' });
    await store!.createBatch({ name: 'gone', tokenHash: hash('tok'), maxDevices: 2, createdAt: now, expiresAt: now + hour, createdBy: 'alice' });
    await store!.revokeBatch('gone', now);
    await store!.createBatch({ name: 'serials', tokenHash: hash('tok'), serials: ['SN1'], createdAt: now, expiresAt: now + hour, createdBy: 'alice' });
    const claim = (batch: string, token: string, serial?: string) => store!.claimActivation(batch, hash(token), serial, now);
    t.deepEqual(await claim('nope', 'tok'), { ok: false, reason: 'unknown-batch' });
    t.deepEqual(await claim('two', 'bad'), { ok: false, reason: 'wrong-token' });
    t.deepEqual(await claim('old', 'tok'), { ok: false, reason: 'expired' });
    t.deepEqual(await claim('gone', 'tok'), { ok: false, reason: 'revoked' });
    t.deepEqual(await claim('two', 'tok'), { ok: true });
    t.deepEqual(await claim('two', 'tok'), { ok: true });
    t.deepEqual(await claim('two', 'tok'), { ok: false, reason: 'used-up' });
    t.deepEqual(await claim('serials', 'tok', 'SN9'), { ok: false, reason: 'serial-not-registered' });
    t.deepEqual(await claim('serials', 'tok'), { ok: false, reason: 'serial-not-registered' });
    t.deepEqual(await claim('serials', 'tok', 'SN1'), { ok: true });
    t.deepEqual(await claim('serials', 'tok', 'SN1'), { ok: false, reason: 'serial-used' });
    t.is((await store!.getBatch('two'))?.used, 2);
    t.is((await store!.getBatch('serials'))?.used, 1);
  });

  test.serial(name('50 concurrent claims against a count of 10 give exactly 10'), async (t) => {
    const stores = await backend.open(backend === postgres ? 2 : 1);
    await stores[0]!.createBatch({ name: 'ten', tokenHash: hash('tok'), maxDevices: 10, createdAt: now, expiresAt: now + hour, createdBy: 'alice' });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % stores.length]!.claimActivation('ten', hash('tok'), undefined, now)));
    t.is(results.filter((r) => r.ok).length, 10);
    t.is(results.filter((r) => !r.ok && r.reason === 'used-up').length, 40);
    t.is((await stores[0]!.getBatch('ten'))?.used, 10);
  });

  test.serial(name('devices are added, found, listed, heartbeaten and revoked'), async (t) => {
    const [store] = await backend.open(1);
    const device = await withDevice(store!, 'SN1');
    t.regex(device.id, /^d-[0-9a-f]{12}$/);
    t.is(device.activatedAt, now);
    t.deepEqual(await store!.getDevice(device.id), device);
    t.deepEqual(await store!.getDeviceByCertSerial(device.certSerial), device);
    t.is(await store!.getDevice('d-000000000000'), undefined);
    t.deepEqual(await store!.listDevices(), [device]);
    await store!.recordHeartbeat(device.id, status, now + 10);
    const seen = await store!.getDevice(device.id);
    t.is(seen?.lastSeen, now + 10);
    t.deepEqual(seen?.status, status);
    t.is(seen?.version, '1.2.0');
    t.true(await store!.revokeDevice(device.id, now + 20));
    t.false(await store!.revokeDevice('d-000000000000', now + 20));
    t.is((await store!.getDevice(device.id))?.revokedAt, now + 20);
  });

  test.serial(name('commands are delivered once, finished only by their device, and read back'), async (t) => {
    const [store] = await backend.open(1);
    const device = await withDevice(store!);
    const other = await withDevice(store!);
    const first = await store!.enqueueCommand(device.id, { kind: 'restart', service: 'web' }, 'alice', now);
    const second = await store!.enqueueCommand(device.id, { kind: 'reboot' }, 'alice', now + 1);
    t.regex(first.command.id, /^c-[0-9a-f]{12}$/);
    t.deepEqual(await store!.takeCommands(device.id, now + 2), [first.command, second.command]);
    t.deepEqual(await store!.takeCommands(device.id, now + 3), []);
    t.false(await store!.finishCommand(other.id, { id: first.command.id, ok: true }, now + 4));
    t.true(await store!.finishCommand(device.id, { id: first.command.id, ok: false, message: 'no such service' }, now + 4));
    t.deepEqual(await store!.getCommand(first.command.id), {
      command: first.command, deviceId: device.id, createdAt: now, createdBy: 'alice', deliveredAt: now + 2, finishedAt: now + 4,
      result: { id: first.command.id, ok: false, message: 'no such service' },
    });
    t.is(await store!.getCommand('c-000000000000'), undefined);
  });

  test.serial(name('two stores taking commands at once deliver each command once'), async (t) => {
    const stores = await backend.open(2);
    const device = await withDevice(stores[0]!);
    const queued = [];
    for (let i = 0; i < 20; i++) queued.push((await stores[0]!.enqueueCommand(device.id, { kind: 'restart', service: `s${i}` }, 'alice', now + i)).command.id);
    const takes = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2]!.takeCommands(device.id, now + 100)));
    const delivered = takes.flat().map((c) => c.id);
    t.deepEqual([...delivered].sort(), [...queued].sort());
  });

  test.serial(name('log streams append, read, end and keep only the last 10,000 lines'), async (t) => {
    const [store] = await backend.open(1);
    const device = await withDevice(store!);
    const stream = await store!.openLogStream(device.id, 'web', now);
    t.regex(stream.id, /^s-[0-9a-f]{12}$/);
    t.is(await store!.appendLogLines(stream.id, ['one', 'two'], 0, false, now), 2);
    t.deepEqual(await store!.readLogLines(stream.id, 0, 10), [{ seq: 1, line: 'one' }, { seq: 2, line: 'two' }]);
    t.deepEqual(await store!.readLogLines(stream.id, 1, 10), [{ seq: 2, line: 'two' }]);
    const many = Array.from({ length: 10_500 }, (_, i) => `line ${i + 3}`);
    t.is(await store!.appendLogLines(stream.id, many, 7, true, now + 5), 10_502);
    const kept = await store!.readLogLines(stream.id, 0, 20_000);
    t.is(kept.length, 10_000);
    t.deepEqual(kept[0], { seq: 503, line: 'line 503' });
    t.deepEqual(await store!.getLogStream(stream.id), { id: stream.id, deviceId: device.id, service: 'web', createdAt: now, endedAt: now + 5, dropped: 7 });
    await t.throwsAsync(store!.appendLogLines('s-000000000000', ['x'], 0, false, now), { message: /s-000000000000/ });
  });

  test.serial(name('operators are added and found by name and certificate'), async (t) => {
    const [store] = await backend.open(1);
    await store!.addOperator({ name: 'bob', certSerial: 'ab12', createdAt: now });
    await store!.addOperator({ name: 'alice', passwordHash: 'scrypt$x', createdAt: now });
    t.deepEqual(await store!.getOperator('bob'), { name: 'bob', certSerial: 'ab12', createdAt: now });
    t.deepEqual(await store!.getOperatorByCertSerial('ab12'), { name: 'bob', certSerial: 'ab12', createdAt: now });
    t.is(await store!.getOperator('carol'), undefined);
    t.deepEqual((await store!.listOperators()).map((o) => o.name), ['alice', 'bob']);
  });

  test.serial(name('audit entries come back newest first'), async (t) => {
    const [store] = await backend.open(1);
    await store!.addAudit({ at: now, operator: 'alice', action: 'batch-create', detail: { batch: 'b1', count: 3 } });
    await store!.addAudit({ at: now + 1, operator: 'bob', action: 'reboot', device: 'd-1' });
    const entries = await store!.listAudit(10);
    t.deepEqual(entries.map(({ id: _, ...rest }) => rest), [
      { at: now + 1, operator: 'bob', action: 'reboot', device: 'd-1' },
      { at: now, operator: 'alice', action: 'batch-create', detail: { batch: 'b1', count: 3 } },
    ]);
    t.is((await store!.listAudit(1)).length, 1);
  });

  test.serial(name('a 5 MB bundle round-trips byte for byte'), async (t) => {
    const [store] = await backend.open(1);
    const bytes = new Uint8Array(randomBytes(5 * 1024 * 1024));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await store!.putBundle({ sha256, size: bytes.length, version: '2.0.0', compatible: 'edge' }, bytes, now);
    t.deepEqual(await store!.getBundle(sha256), { sha256, size: bytes.length, version: '2.0.0', compatible: 'edge', uploadedAt: now });
    const back = await store!.readBundle(sha256);
    t.is(createHash('sha256').update(back!).digest('hex'), sha256);
    t.is(await store!.readBundle('0'.repeat(64)), undefined);
  });

  test.serial(name('console sessions: one store creates, every store finds it until it expires, delete ends it, expired ones are swept'), async (t) => {
    const stores = await backend.open(backend === postgres ? 2 : 1);
    const [first, other] = [stores[0]!, stores[stores.length - 1]!];
    await first.addOperator({ name: 'alice', passwordHash: 'scrypt$x', createdAt: now });
    await first.createSession({ idHash: 'h1', operator: 'alice', createdAt: now, expiresAt: now + hour }, now);
    t.deepEqual(await other.getSession('h1', now + 1), { idHash: 'h1', operator: 'alice', createdAt: now, expiresAt: now + hour });
    t.is(await other.getSession('h1', now + hour), undefined, 'expired at expiresAt');
    t.is(await other.getSession('h2', now), undefined);
    await first.createSession({ idHash: 'h2', operator: 'alice', createdAt: now + hour, expiresAt: now + 2 * hour }, now + hour);
    t.false(await first.deleteSession('h1'), 'the expired session was swept when the next one was made');
    t.true(await other.deleteSession('h2'));
    t.is(await first.getSession('h2', now + hour), undefined);
  });

  test.serial(name('a heartbeat with a poll wait keeps it as the interval; one without leaves it'), async (t) => {
    const [store] = await backend.open(1);
    const device = await withDevice(store!);
    t.is((await store!.getDevice(device.id))?.pollWait, undefined);
    await store!.recordHeartbeat(device.id, status, now + 1, 20);
    await store!.recordHeartbeat(device.id, status, now + 2);
    t.like(await store!.getDevice(device.id), { pollWait: 20, lastSeen: now + 2 });
  });

  test.serial(name('an audit entry is published to every store, for the console'), async (t) => {
    const stores = await backend.open(backend === postgres ? 2 : 1);
    const heard = nextEvent(stores[stores.length - 1]!, (e) => e.topic === 'audit');
    await stores[0]!.addAudit({ at: now, operator: 'alice', action: 'reboot', device: 'd-1' });
    t.deepEqual(await heard, { topic: 'audit' });
  });

  test.serial(name('a subscriber sees events published by another store on the same data'), async (t) => {
    const stores = await backend.open(backend === postgres ? 2 : 1);
    const publisher = stores[0]!;
    const subscriber = stores[stores.length - 1]!;
    const published = nextEvent(subscriber, (e) => e.topic === 'log' && e.stream === 's-feedfeedfeed');
    await publisher.publish({ topic: 'log', stream: 's-feedfeedfeed' });
    t.deepEqual(await published, { topic: 'log', stream: 's-feedfeedfeed' });
    const device = await withDevice(publisher);
    const woken = nextEvent(subscriber, (e) => e.topic === 'command');
    await publisher.enqueueCommand(device.id, { kind: 'reboot' }, 'alice', now);
    t.deepEqual(await woken, { topic: 'command', deviceId: device.id });
  });
}

test.serial('sqlite: a version 1 database (before console sessions) is brought to version 2 and keeps its devices', async (t) => {
  const file = join(folder, 'v1.db');
  const store = await openSqliteStore(file);
  opened.push(store);
  await store.migrate();
  const device = await withDevice(store);
  const db = new Database(file);
  db.exec('DROP TABLE sessions; ALTER TABLE devices DROP COLUMN poll_wait; DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES (1);');
  db.close();
  await store.migrate();
  t.is((await store.getDevice(device.id))?.id, device.id);
  await store.addOperator({ name: 'alice', passwordHash: 'scrypt$x', createdAt: now });
  await store.createSession({ idHash: 'h', operator: 'alice', createdAt: now, expiresAt: now + hour }, now);
  t.is((await store.getSession('h', now))?.operator, 'alice');
});

// One process cannot race itself on SQLite (better-sqlite3 is synchronous), but `fleet serve`
// and a CLI command (operator add) are two processes on one file: their claims must not overlap.
test.serial('sqlite: four processes claiming 25 times each against a count of 10 get exactly 10 between them', async (t) => {
  const [store] = await sqlite.open(1);
  await store!.createBatch({ name: 'ten', tokenHash: hash('tok'), maxDevices: 10, createdAt: now, expiresAt: now + 100 * hour, createdBy: 'alice' });
  const file = join(folder, `fleet-${databases - 1}.db`);
  const worker = new URL('../../test/sqlite-claim-worker.ts', import.meta.url).pathname;
  const runs = await Promise.all(Array.from({ length: 4 }, () => promisify(execFile)(process.execPath, ['--import', 'tsx', worker, file, 'ten', hash('tok'), '25'])));
  const counts = runs.map((r) => JSON.parse(r.stdout) as { granted: number; refused: number });
  t.is(counts.reduce((sum, c) => sum + c.granted, 0), 10, JSON.stringify(counts));
  t.is(counts.reduce((sum, c) => sum + c.refused, 0), 90);
  t.is((await store!.getBatch('ten'))?.used, 10);
});
