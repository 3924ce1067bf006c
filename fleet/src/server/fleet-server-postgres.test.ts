/**
 * The fleet server on PostgreSQL: every test of fleet-server.test.ts again,
 * each fleet on its own database of a throw-away cluster, then what only a
 * shared database allows: two servers on one fleet, each with its own store
 * (its own pool and its own LISTEN connection, as two `imago fleet serve`
 * processes have), where what one server takes in reaches a peer held by the
 * other.
 */
import test from 'ava';
import { request } from 'node:https';
import { activateDevice, createBatch, pollBody, startTestFleet, type TestFleet } from '../../test/fleet-fixture.ts';
import { openStore } from '../store/open-store.ts';
import { startFleetServer, type RunningFleetServer } from './fleet-server.ts';
import { fleetDatabaseIfWanted, stopSharedPostgres, usePostgresForFleets } from '../../test/postgres-cluster.ts';
import './fleet-server.test.ts';

// Declared here, the imported file's tests run in this process too, each fleet on a database of one cluster.
usePostgresForFleets();
test.after.always(stopSharedPostgres);

/** A first server through the fixture and a second one on the same fleet folder and database. */
async function twoServers(t: { teardown: (fn: () => Promise<void>) => void }): Promise<{ f: TestFleet; second: RunningFleetServer }> {
  const f = await startTestFleet({ postgres: await fleetDatabaseIfWanted() });
  const store = await openStore(f.fleet.config.storage, f.dir);
  const second = await startFleetServer({ fleet: f.fleet, store, listen: { host: '127.0.0.1', port: 0 }, now: () => Date.now(), log: () => {} });
  t.teardown(async () => {
    await second.close();
    await store.close();
    await f.close();
  });
  return { f, second };
}

test('two servers on one database: a command queued through server 1 wakes a device polling server 2', async (t) => {
  const { f, second } = await twoServers(t);
  const device = await activateDevice(f, await createBatch(f, { count: 1, expires: '1h' }));
  const held = f.send('POST', '/v1/device/poll', { as: device.as, body: pollBody(30), port: second.port });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const queuedAt = Date.now();
  const operatorCall = f.send('POST', `/v1/devices/${device.id}/services/web/restart`, { as: f.asOperator });
  const poll = await held;
  // Woken through LISTEN/NOTIFY, long before the poll's own 30 s wait ends (the latency is bench/fleet.ts's).
  t.true(Date.now() - queuedAt < 10_000, `poll on server 2 answered ${Date.now() - queuedAt} ms after server 1 queued the command`);
  t.is(poll.json.commands.length, 1, poll.text);
  const command = poll.json.commands[0];
  t.like(command, { kind: 'restart', service: 'web' });
  // The result reported to server 2 answers the operator still waiting on server 1.
  await f.send('POST', '/v1/device/poll', { as: device.as, body: pollBody(0, [{ id: command.id, ok: true, message: 'restarted' }]), port: second.port });
  const answered = await operatorCall;
  t.is(answered.status, 200, answered.text);
  t.deepEqual(answered.json.result, { id: command.id, ok: true, message: 'restarted' });
});

test('two servers on one database: a log line posted to server 2 reaches an operator following on server 1', async (t) => {
  const { f, second } = await twoServers(t);
  const device = await activateDevice(f, await createBatch(f, { count: 1, expires: '1h' }));
  const follower = request({ host: '127.0.0.1', port: f.server.port, path: `/v1/devices/${device.id}/services/web/logs?lines=0&follow=1`, ca: f.fleet.ca.certificatePem, servername: 'localhost', agent: false, ...f.asOperator, headers: { 'imago-fleet-protocol': '1' } });
  const firstLine = new Promise<string>((resolve) => follower.on('response', (res) => res.once('data', (c: Buffer) => resolve(c.toString('utf8')))));
  follower.end();
  t.teardown(() => void follower.destroy());
  const poll = await f.send('POST', '/v1/device/poll', { as: device.as, body: pollBody(10), port: second.port });
  const command = poll.json.commands[0];
  t.like(command, { kind: 'logs', follow: true, lines: 0 });
  const sent = await f.send('POST', '/v1/device/logs', { as: device.as, body: JSON.stringify({ stream: command.stream, lines: ['from server 2'], dropped: 0, end: false }), port: second.port });
  t.is(sent.status, 200, sent.text);
  t.is(await firstLine, '{"line":"from server 2"}\n');
});
