/**
 * One conformance suite for both store backends: every test runs against
 * SQLite (a file in a temporary folder) and PostgreSQL (a throw-away cluster
 * for this file, a fresh database per test). Where the rule is about several
 * server processes, the PostgreSQL run opens two stores on one database, as
 * two `imago fleet serve` processes would.
 */
import test, { type ExecutionContext } from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceStatus } from '../../../contract/index.ts';
import { freshDatabase, startPostgres, type TestPostgres } from '../../test/postgres-cluster.ts';
import { openPostgresStore } from './postgres-store.ts';
import { logLinesKept } from './store-rules.ts';
import type { FleetEvent, FleetStore, NewDevice } from './store.ts';

interface Backend {
  name: string;
  /** Stores on one fresh database: `count` of them, as that many server processes (SQLite: one process, so one store). */
  open(t: ExecutionContext, count?: number): Promise<FleetStore[]>;
  /** Whether it can be shared by several processes. */
  shared: boolean;
}

let cluster: Promise<TestPostgres> | undefined;
test.after.always(async () => {
  if (cluster) await (await cluster).stop();
});

const postgres: Backend = {
  name: 'postgres',
  shared: true,
  async open(t, count = 1) {
    cluster ??= startPostgres();
    const own = await freshDatabase((await cluster).connection);
    const stores = await Promise.all(Array.from({ length: count }, () => openPostgresStore(own)));
    t.teardown(() => Promise.all(stores.map((s) => s.close())).then(() => {}));
    // Each process migrates when it starts; they may start at once.
    await Promise.all(stores.map((s) => s.migrate()));
    return stores;
  },
};

const sqlite: Backend = {
  name: 'sqlite',
  shared: false,
  async open(t) {
    const { openSqliteStore } = await import('./sqlite-store.ts');
    const dir = await mkdtemp(join(tmpdir(), 'imago-store-'));
    const store = await openSqliteStore(join(dir, 'fleet.db'));
    t.teardown(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });
    await store.migrate();
    return [store];
  },
};

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');
const hour = 3_600_000;
const now = 1_800_000_000_000;

function newDevice(id: string, extra: Partial<NewDevice> = {}): NewDevice {
  return { id, batch: 'line-1', certSerial: `cs-${id}`, certificate: `PEM of ${id}`, arch: 'x86_64', image: 'edge', version: '1.0.0', ...extra };
}

const status: DeviceStatus = { image: 'edge', version: '1.0.0', arch: 'x86_64', hostname: 'box', uptime: 12, time: now, addresses: ['10.0.0.2'], services: [] };

/** The next event that `store` hears, or a failure after a second. */
function nextEvent(store: FleetStore, matches: (e: FleetEvent) => boolean): Promise<FleetEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('no event within 1 s'));
    }, 1000);
    const stop = store.subscribe((e) => {
      if (!matches(e)) return;
      clearTimeout(timer);
      stop();
      resolve(e);
    });
  });
}

for (const backend of [sqlite, postgres]) {
  const name = (title: string) => `${backend.name}: ${title}`;

  test(name('migrate runs again without harm and keeps the data'), async (t) => {
    const [s] = await backend.open(t);
    await s!.createBatch({ name: 'b', tokenHash: hash('x'), maxDevices: 1, createdAt: now, expiresAt: now + hour, createdBy: 'alice' });
    await s!.migrate();
    await s!.migrate();
    t.is((await s!.listBatches()).length, 1);
  });

  test(name('batches are created, listed, read and revoked'), async (t) => {
    const [s] = await backend.open(t);
    await s!.createBatch({ name: 'line-1', tokenHash: hash('a'), maxDevices: 5, createdAt: now, expiresAt: now + hour, createdBy: 'alice' });
    await s!.createBatch({ name: 'line-2', tokenHash: hash('b'), serials: ['SN-1', 'SN-2'], createdAt: now + 1, expiresAt: now + hour, createdBy: 'bob' });
    t.deepEqual(await s!.getBatch('line-1'), { name: 'line-1', tokenHash: hash('a'), maxDevices: 5, used: 0, createdAt: now, expiresAt: now + hour, createdBy: 'alice' });
    t.deepEqual((await s!.getBatch('line-2'))?.serials, ['SN-1', 'SN-2']);
    t.deepEqual((await s!.listBatches()).map((b) => b.name).sort(), ['line-1', 'line-2']);
    t.is(await s!.getBatch('nope'), undefined);
    t.true(await s!.revokeBatch('line-1', now + 5));
    t.is((await s!.getBatch('line-1'))?.revokedAt, now + 5);
    t.false(await s!.revokeBatch('nope', now));
  });

  test(name('claimActivation refuses each way a claim can be wrong, and counts only successes'), async (t) => {
    const [s] = await backend.open(t);
    await s!.createBatch({ name: 'count', tokenHash: hash('c'), maxDevices: 2, createdAt: now, expiresAt: now + hour, createdBy: 'alice' });
    await s!.createBatch({ name: 'old', tokenHash: hash('o'), maxDevices: 2, createdAt: now - 2 * hour, expiresAt: now - hour, createdBy: 'alice' });
    await s!.createBatch({ name: 'gone', tokenHash: hash('g'), maxDevices: 2, createdAt: now, expiresAt: now + hour, createdBy: 'alice' });
    await s!.revokeBatch('gone', now);
    await s!.createBatch({ name: 'serials', tokenHash: hash('s'), serials: ['SN-1', 'SN-2'], createdAt: now, expiresAt: now + hour, createdBy: 'alice' });
    t.deepEqual(await s!.claimActivation('nope', hash('c'), undefined, now), { ok: false, reason: 'unknown-batch' });
    t.deepEqual(await s!.claimActivation('count', hash('wrong'), undefined, now), { ok: false, reason: 'wrong-token' });
    t.deepEqual(await s!.claimActivation('count', 'short', undefined, now), { ok: false, reason: 'wrong-token' });
    t.deepEqual(await s!.claimActivation('old', hash('o'), undefined, now), { ok: false, reason: 'expired' });
    t.deepEqual(await s!.claimActivation('gone', hash('g'), undefined, now), { ok: false, reason: 'revoked' });
    t.deepEqual(await s!.claimActivation('count', hash('c'), undefined, now), { ok: true });
    t.deepEqual(await s!.claimActivation('count', hash('c'), undefined, now), { ok: true });
    t.deepEqual(await s!.claimActivation('count', hash('c'), undefined, now), { ok: false, reason: 'used-up' });
    t.deepEqual(await s!.claimActivation('serials', hash('s'), 'SN-9', now), { ok: false, reason: 'serial-not-registered' });
    t.deepEqual(await s!.claimActivation('serials', hash('s'), undefined, now), { ok: false, reason: 'serial-not-registered' });
    t.deepEqual(await s!.claimActivation('serials', hash('s'), 'SN-1', now), { ok: true });
    t.deepEqual(await s!.claimActivation('serials', hash('s'), 'SN-1', now), { ok: false, reason: 'serial-used' });
    t.deepEqual(await s!.claimActivation('serials', hash('s'), 'SN-2', now), { ok: true });
    t.deepEqual(
      (await s!.listBatches()).map((b) => [b.name, b.used]).sort(),
      [['count', 2], ['gone', 0], ['old', 0], ['serials', 2]],
    );
  });

  test(name(backend.shared ? '50 claims at once through two stores against a count of 10 give exactly 10' : '50 claims at once against a count of 10 give exactly 10'), async (t) => {
    const stores = await backend.open(t, 2);
    await stores[0]!.createBatch({ name: 'rush', tokenHash: hash('r'), maxDevices: 10, createdAt: now, expiresAt: now + hour, createdBy: 'alice' });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % stores.length]!.claimActivation('rush', hash('r'), undefined, now)));
    t.is(results.filter((r) => r.ok).length, 10);
    t.true(results.every((r) => r.ok || r.reason === 'used-up'));
    t.is((await stores[0]!.getBatch('rush'))?.used, 10);
  });

  test(name('devices are added, found by id and certificate serial, listed, heartbeat and revoked'), async (t) => {
    const [s] = await backend.open(t);
    const added = await s!.addDevice(newDevice('dev-1', { hostname: 'box', serial: 'SN-1' }), now);
    t.deepEqual(added, { ...newDevice('dev-1', { hostname: 'box', serial: 'SN-1' }), activatedAt: now });
    await s!.addDevice(newDevice('dev-2'), now + 1);
    t.deepEqual(await s!.getDevice('dev-1'), added);
    t.is((await s!.getDeviceByCertSerial('cs-dev-2'))?.id, 'dev-2');
    t.is(await s!.getDeviceByCertSerial('cs-none'), undefined);
    t.deepEqual((await s!.listDevices()).map((d) => d.id).sort(), ['dev-1', 'dev-2']);
    await s!.recordHeartbeat('dev-1', status, now + 10);
    const seen = await s!.getDevice('dev-1');
    t.deepEqual(seen?.status, status);
    t.is(seen?.lastSeen, now + 10);
    t.true(await s!.revokeDevice('dev-2', now + 20));
    t.is((await s!.getDevice('dev-2'))?.revokedAt, now + 20);
    t.false(await s!.revokeDevice('dev-9', now));
    t.is(await s!.getDevice('dev-9'), undefined);
  });

  test(name('commands are queued, delivered once in order, and finished only by their own device'), async (t) => {
    const [s] = await backend.open(t);
    const woke = nextEvent(s!, (e) => e.topic === 'command');
    const first = await s!.enqueueCommand('dev-1', { kind: 'restart', service: 'web' }, 'alice', now);
    t.deepEqual(await woke, { topic: 'command', deviceId: 'dev-1' });
    const second = await s!.enqueueCommand('dev-1', { kind: 'reboot' }, 'alice', now + 1);
    await s!.enqueueCommand('dev-2', { kind: 'reboot' }, 'alice', now + 1);
    t.not(first.command.id, second.command.id);
    t.deepEqual(first, { command: { kind: 'restart', service: 'web', id: first.command.id }, deviceId: 'dev-1', createdAt: now, createdBy: 'alice' });
    t.deepEqual(await s!.takeCommands('dev-1', now + 2), [first.command, second.command]);
    t.deepEqual(await s!.takeCommands('dev-1', now + 3), []);
    t.is((await s!.getCommand(first.command.id))?.deliveredAt, now + 2);
    t.false(await s!.finishCommand('dev-2', { id: first.command.id, ok: true }, now + 4), "another device's command");
    t.false(await s!.finishCommand('dev-1', { id: 'cmd-none', ok: true }, now + 4));
    t.true(await s!.finishCommand('dev-1', { id: first.command.id, ok: true, message: 'restarted' }, now + 5));
    const done = await s!.getCommand(first.command.id);
    t.deepEqual(done?.result, { id: first.command.id, ok: true, message: 'restarted' });
    t.is(done?.finishedAt, now + 5);
    t.is(await s!.getCommand('cmd-none'), undefined);
  });

  if (backend.shared) {
    test(name('two stores taking one device\'s commands at once never deliver a command twice'), async (t) => {
      const [a, b] = await backend.open(t, 2);
      const queued = [];
      for (let i = 0; i < 40; i++) queued.push((await a!.enqueueCommand('dev-1', { kind: 'restart', service: `s${i}` }, 'alice', now + i)).command.id);
      const takes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a! : b!).takeCommands('dev-1', now + 100)));
      const delivered = takes.flat().map((c) => c.id);
      t.is(delivered.length, 40);
      t.deepEqual([...delivered].sort(), [...queued].sort());
    });

    test(name('an event published by one store is heard by a subscriber of another'), async (t) => {
      const [a, b] = await backend.open(t, 2);
      const heard = nextEvent(b!, (e) => e.topic === 'log');
      await a!.publish({ topic: 'log', stream: 'log-1' });
      t.deepEqual(await heard, { topic: 'log', stream: 'log-1' });
      const wokeB = nextEvent(b!, (e) => e.topic === 'command');
      await a!.enqueueCommand('dev-7', { kind: 'reboot' }, 'alice', now);
      t.deepEqual(await wokeB, { topic: 'command', deviceId: 'dev-7' });
    });
  } else {
    test(name('an event published is heard by every subscriber, and not after it stops'), async (t) => {
      const [s] = await backend.open(t);
      const seen: FleetEvent[] = [];
      const stop = s!.subscribe((e) => seen.push(e));
      const heard = nextEvent(s!, () => true);
      await s!.publish({ topic: 'device', deviceId: 'dev-1' });
      t.deepEqual(await heard, { topic: 'device', deviceId: 'dev-1' });
      stop();
      await s!.publish({ topic: 'device', deviceId: 'dev-2' });
      t.deepEqual(seen, [{ topic: 'device', deviceId: 'dev-1' }]);
    });
  }

  test(name('log streams take lines in order, read from a sequence number, count drops and end'), async (t) => {
    const [s] = await backend.open(t);
    const stream = await s!.openLogStream('dev-1', 'web', now);
    t.deepEqual(stream, { id: stream.id, deviceId: 'dev-1', service: 'web', createdAt: now, dropped: 0 });
    t.is(await s!.appendLogLines(stream.id, ['one', 'two'], 0, false, now + 1), 2);
    t.is(await s!.appendLogLines(stream.id, ['three'], 4, false, now + 2), 3);
    t.deepEqual(await s!.readLogLines(stream.id, 0, 10), [{ seq: 1, line: 'one' }, { seq: 2, line: 'two' }, { seq: 3, line: 'three' }]);
    t.deepEqual(await s!.readLogLines(stream.id, 1, 1), [{ seq: 2, line: 'two' }]);
    t.deepEqual(await s!.readLogLines(stream.id, 3, 10), []);
    t.is(await s!.appendLogLines(stream.id, [], 0, true, now + 3), 3);
    t.deepEqual(await s!.getLogStream(stream.id), { ...stream, dropped: 4, endedAt: now + 3 });
    t.is(await s!.getLogStream('log-none'), undefined);
  });

  test(name(`a log stream keeps its last ${logLinesKept} lines`), async (t) => {
    const [s] = await backend.open(t);
    const stream = await s!.openLogStream('dev-1', 'web', now);
    const lines = Array.from({ length: logLinesKept + 500 }, (_, i) => `line ${i + 1}`);
    t.is(await s!.appendLogLines(stream.id, lines, 0, false, now), logLinesKept + 500);
    const kept = await s!.readLogLines(stream.id, 0, 5);
    t.deepEqual(kept[0], { seq: 501, line: 'line 501' });
    t.is((await s!.readLogLines(stream.id, 0, logLinesKept + 1000)).length, logLinesKept);
  });

  test(name('operators are added and found by name and certificate serial'), async (t) => {
    const [s] = await backend.open(t);
    await s!.addOperator({ name: 'alice', certSerial: 'ab12', createdAt: now });
    await s!.addOperator({ name: 'bob', passwordHash: 'scrypt$x', createdAt: now + 1 });
    t.deepEqual(await s!.getOperator('alice'), { name: 'alice', certSerial: 'ab12', createdAt: now });
    t.is((await s!.getOperatorByCertSerial('ab12'))?.name, 'alice');
    t.is(await s!.getOperatorByCertSerial('ffff'), undefined);
    t.is(await s!.getOperator('carol'), undefined);
    t.deepEqual((await s!.listOperators()).map((o) => o.name).sort(), ['alice', 'bob']);
  });

  test(name('the audit log lists the newest entries first, up to the limit'), async (t) => {
    const [s] = await backend.open(t);
    await s!.addAudit({ at: now, operator: 'alice', action: 'batch-create', detail: { name: 'line-1', count: 5 } });
    await s!.addAudit({ at: now + 1, operator: 'alice', action: 'restart', device: 'dev-1' });
    await s!.addAudit({ at: now + 2, operator: 'bob', action: 'reboot', device: 'dev-2' });
    const two = await s!.listAudit(2);
    t.deepEqual(two.map((e) => e.action), ['reboot', 'restart']);
    const all = await s!.listAudit(10);
    t.deepEqual(all[2], { id: all[2]!.id, at: now, operator: 'alice', action: 'batch-create', detail: { name: 'line-1', count: 5 } });
    t.true(all[0]!.id > all[1]!.id && all[1]!.id > all[2]!.id);
  });

  test(name('a 5 MB bundle comes back byte for byte'), async (t) => {
    const [s] = await backend.open(t);
    const bytes = new Uint8Array(randomBytes(5 * 1024 * 1024));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await s!.putBundle({ sha256, size: bytes.length, version: '2.0.0', compatible: 'edge/x86_64' }, bytes, now);
    t.deepEqual(await s!.getBundle(sha256), { sha256, size: bytes.length, version: '2.0.0', compatible: 'edge/x86_64', uploadedAt: now });
    const back = await s!.readBundle(sha256);
    t.is(back?.length, bytes.length);
    t.true(Buffer.from(back!).equals(Buffer.from(bytes)));
    t.is(await s!.getBundle('0'.repeat(64)), undefined);
    t.is(await s!.readBundle('0'.repeat(64)), undefined);
  });
}
