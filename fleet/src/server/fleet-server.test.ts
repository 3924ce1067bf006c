/**
 * The fleet server over real TLS on loopback with real certificates and the
 * real store (SQLite; fleet-server-postgres.test.ts runs them all again on
 * PostgreSQL, each fleet on its own database).
 */
import test from 'ava';
import { createFleetCa } from '../pki/fleet-ca.ts';
import { issueOperatorCertificate } from '../pki/operator-certificate.ts';
import { ecdsaSigning, generateKeyPair, privateKeyToPem, x509 } from '../pki/x509.ts';
import { fleetDatabaseIfWanted } from '../../test/postgres-cluster.ts';
import { activateDevice, activationBody, createBatch, deviceKeyAndCsr, pollBody, sampleStatus, startTestFleet, type TestFleet } from '../../test/fleet-fixture.ts';

/** What a refusal must leave untouched. */
async function snapshot(f: TestFleet) {
  const devices = await f.store.listDevices();
  return { devices: devices.map((d) => [d.id, d.revokedAt, d.lastSeen]), batches: (await f.store.listBatches()).map((b) => [b.name, b.used, b.revokedAt]), audit: (await f.store.listAudit(1000)).length };
}

async function withFleet(t: { teardown: (fn: () => Promise<void>) => void }, options = {}): Promise<TestFleet> {
  const f = await startTestFleet({ postgres: await fleetDatabaseIfWanted(), ...options });
  t.teardown(() => f.close());
  return f;
}

test('a device activates with a batch token and its own CSR, then polls with the certificate it got', async (t) => {
  const f = await withFleet(t);
  const token = await createBatch(f, { name: 'line-1', count: 2, expires: '7d' });
  const device = await activateDevice(f, token, { serial: 'SN-1' });
  t.regex(device.id, /^d-[0-9a-f]{12}$/);
  const poll = await f.send('POST', '/v1/device/poll', { as: device.as, body: pollBody(0) });
  t.is(poll.status, 200, poll.text);
  t.deepEqual(poll.json, { commands: [], next: 0 });
  const stored = await f.store.getDevice(device.id);
  t.is(stored?.batch, 'line-1');
  t.is(stored?.serial, 'SN-1');
  t.deepEqual(stored?.status, sampleStatus);
  t.is((await f.store.getBatch('line-1'))?.used, 1);
  const list = await f.send('GET', '/v1/devices', { as: f.asOperator });
  t.deepEqual(list.json.devices.map((d: { id: string }) => d.id), [device.id]);
});

// The latency itself is bench/fleet.ts's (command p50/p99); here only that the command wakes the
// poll: answered long before the poll's own 30 s wait ends, even on a loaded machine.
test('a held poll is woken by a command an operator queues (long before its 30 s wait ends), and the result comes back to the operator', async (t) => {
  const f = await withFleet(t);
  const device = await activateDevice(f, await createBatch(f, { count: 1, expires: '1h' }));
  const held = f.send('POST', '/v1/device/poll', { as: device.as, body: pollBody(30) });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const queuedAt = Date.now();
  const operatorCall = f.send('POST', `/v1/devices/${device.id}/services/web/restart`, { as: f.asOperator });
  const poll = await held;
  t.true(Date.now() - queuedAt < 10_000, `poll answered ${Date.now() - queuedAt} ms after the command was queued`);
  t.is(poll.json.commands.length, 1);
  const command = poll.json.commands[0];
  t.like(command, { kind: 'restart', service: 'web' });
  const report = await f.send('POST', '/v1/device/poll', { as: device.as, body: pollBody(0, [{ id: command.id, ok: true, message: 'restarted' }]) });
  t.is(report.status, 200);
  const answered = await operatorCall;
  t.is(answered.status, 200, answered.text);
  t.deepEqual(answered.json.result, { id: command.id, ok: true, message: 'restarted' });
  t.deepEqual((await f.store.getCommand(command.id))?.result, { id: command.id, ok: true, message: 'restarted' });
  const audit = await f.store.listAudit(10);
  t.true(audit.some((e) => e.operator === 'alice' && e.action === 'restart' && e.device === device.id));
});

test('activation refusals write nothing: token past its count, expired, revoked batch, bad CSR, malformed token', async (t) => {
  const f = await withFleet(t);
  const once = await createBatch(f, { name: 'once', count: 1, expires: '30m' });
  await activateDevice(f, once);
  const refusals: [string, () => Promise<string>, number][] = [
    ['past its count', async () => once, 410],
    ['revoked batch', async () => {
      const token = await createBatch(f, { name: 'revoked', count: 5, expires: '1h' });
      await f.send('POST', '/v1/batches/revoked/revoke', { as: f.asOperator });
      return token;
    }, 403],
    ['expired', async () => {
      const token = await createBatch(f, { name: 'short', count: 5, expires: '30m' });
      f.clock.offset = 31 * 60_000;
      return token;
    }, 410],
  ];
  for (const [title, makeToken, status] of refusals) {
    const token = await makeToken();
    const before = await snapshot(f);
    const { csrPem } = await deviceKeyAndCsr();
    const reply = await f.send('POST', '/v1/activate', { body: activationBody(token, csrPem) });
    t.is(reply.status, status, `${title}: ${reply.text}`);
    t.is(typeof reply.json.error, 'string', title);
    t.deepEqual(await snapshot(f), before, `${title}: the store changed`);
  }
  f.clock.offset = 0;
  const good = await createBatch(f, { name: 'good', count: 5, expires: '1h' });
  const before = await snapshot(f);
  const { csrPem } = await deviceKeyAndCsr();
  // A bit of the signature's last byte flipped (not a base64 character: the last one may be padding bits).
  const der = Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  der[der.length - 1]! ^= 0x01;
  const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`;
  const badCsr = await f.send('POST', '/v1/activate', { body: activationBody(good, tampered) });
  t.is(badCsr.status, 400, badCsr.text);
  const badToken = await f.send('POST', '/v1/activate', { body: activationBody('good.short', csrPem) });
  t.is(badToken.status, 400);
  t.deepEqual(await snapshot(f), before, 'a bad CSR or token used up an activation');
});

test('a device asking again with the key it activated with gets the same id and certificate, and uses up nothing', async (t) => {
  const f = await withFleet(t);
  const once = await createBatch(f, { name: 'once', count: 1, expires: '1h' });
  const { keyPem, csrPem } = await deviceKeyAndCsr();
  const first = await f.send('POST', '/v1/activate', { body: activationBody(once, csrPem) });
  t.is(first.status, 200, first.text);
  // Its reply was lost, or the device could not accept the certificate yet: it asks again with the same key.
  const again = await f.send('POST', '/v1/activate', { body: activationBody(once, csrPem) });
  t.is(again.status, 200, again.text);
  t.deepEqual(again.json, first.json);
  t.is((await f.store.getBatch('once'))?.used, 1, 'the batch counts one device');
  t.is((await f.store.listDevices()).length, 1);
  const poll = await f.send('POST', '/v1/device/poll', { as: { cert: again.json.certificate, key: keyPem }, body: pollBody(0) });
  t.is(poll.status, 200, 'the certificate it got again works');
  const other = await f.send('POST', '/v1/activate', { body: activationBody(once, (await deviceKeyAndCsr()).csrPem) });
  t.is(other.status, 410, 'another key is another device: the batch is used up');
  const wrongSecret = await f.send('POST', '/v1/activate', { body: activationBody(`once.${'0'.repeat(43)}`, csrPem) });
  t.is(wrongSecret.status, 401, `the same key with a wrong secret is refused: ${wrongSecret.text}`);
  await f.send('POST', `/v1/devices/${first.json.deviceId}/revoke`, { as: f.asOperator });
  const revoked = await f.send('POST', '/v1/activate', { body: activationBody(once, csrPem) });
  t.is(revoked.status, 403, `a revoked device cannot activate again: ${revoked.text}`);
});

test('certificates start an hour early, so a device whose clock is a little behind the server accepts them', async (t) => {
  const f = await withFleet(t);
  const device = await activateDevice(f, await createBatch(f, { count: 1, expires: '1h' }));
  const certificate = new x509.X509Certificate(device.as.cert!);
  t.true(certificate.notBefore.getTime() <= Date.now() - 59 * 60_000, `notBefore ${certificate.notBefore.toISOString()}`);
  t.true(f.fleet.ca.certificate.notBefore.getTime() <= Date.now() - 59 * 60_000, 'the CA too');
});

test('certificate refusals: none, self-signed, another CA, wrong role each way, a revoked device at its next request, a wrong protocol version', async (t) => {
  const f = await withFleet(t);
  const device = await activateDevice(f, await createBatch(f, { count: 1, expires: '1h' }));
  const otherCa = await createFleetCa();
  const foreign = await issueOperatorCertificate(otherCa, 'alice');
  const selfKeys = await generateKeyPair();
  const selfSigned = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=alice, OU=operator, O=imago fleet', keys: selfKeys, signingAlgorithm: ecdsaSigning });
  const cases: [string, string, string, object, number, string?][] = [
    ['no certificate on a device route', 'POST', '/v1/device/poll', {}, 401],
    ['no certificate on an operator route', 'GET', '/v1/devices', {}, 401],
    ['a self-signed certificate', 'GET', '/v1/devices', { cert: selfSigned.toString('pem'), key: await privateKeyToPem(selfKeys.privateKey) }, 401],
    ['a certificate from another CA', 'GET', '/v1/devices', { cert: foreign.certificatePem, key: foreign.keyPem }, 401],
    ['a device certificate on an operator route', 'GET', '/v1/devices', device.as, 403],
    ['an operator certificate on a device route', 'POST', '/v1/device/poll', f.asOperator, 403],
  ];
  for (const [title, method, path, as, status] of cases) {
    const before = await snapshot(f);
    const reply = await f.send(method, path, { as, body: method === 'POST' ? pollBody(0) : undefined });
    t.is(reply.status, status, `${title}: ${reply.text}`);
    t.is(typeof reply.json?.error, 'string', title);
    t.deepEqual(await snapshot(f), before, `${title}: the store changed`);
  }
  const wrongVersion = await f.send('POST', '/v1/device/poll', { as: device.as, body: pollBody(0), headers: { 'imago-fleet-protocol': '99' } });
  t.is(wrongVersion.status, 426);
  t.is((await f.send('POST', `/v1/devices/${device.id}/revoke`, { as: f.asOperator })).status, 200);
  const before = await snapshot(f);
  const revoked = await f.send('POST', '/v1/device/poll', { as: device.as, body: pollBody(0) });
  t.is(revoked.status, 403);
  t.regex(revoked.json.error, /revoked/);
  t.deepEqual(await snapshot(f), before, 'a revoked device recorded a heartbeat');
});

test('a service log streams to the operator as NDJSON while the device sends it', async (t) => {
  const f = await withFleet(t);
  const device = await activateDevice(f, await createBatch(f, { count: 1, expires: '1h' }));
  const logs = f.send('GET', `/v1/devices/${device.id}/services/web/logs?lines=2`, { as: f.asOperator });
  const poll = await f.send('POST', '/v1/device/poll', { as: device.as, body: pollBody(10) });
  const command = poll.json.commands[0];
  t.like(command, { kind: 'logs', service: 'web', lines: 2, follow: false });
  const sent = await f.send('POST', '/v1/device/logs', { as: device.as, body: JSON.stringify({ stream: command.stream, lines: ['one', 'two'], dropped: 0, end: true }) });
  t.is(sent.status, 200, sent.text);
  const reply = await logs;
  t.deepEqual(reply.text.trim().split('\n').map((l) => JSON.parse(l)), [{ line: 'one' }, { line: 'two' }, { end: true, dropped: 0 }]);
  const other = await activateDevice(f, await createBatch(f, { count: 1, expires: '1h' }));
  const stolen = await f.send('POST', '/v1/device/logs', { as: other.as, body: JSON.stringify({ stream: command.stream, lines: ['x'], dropped: 0, end: false }) });
  t.is(stolen.status, 404, 'a device wrote to a stream it does not own');
});

test('a followed log stops on the device (logs-stop) once the operator goes away', async (t) => {
  const f = await withFleet(t);
  const device = await activateDevice(f, await createBatch(f, { count: 1, expires: '1h' }));
  const { request } = await import('node:https');
  const follower = request({ host: '127.0.0.1', port: f.server.port, path: `/v1/devices/${device.id}/services/web/logs?lines=0&follow=1`, ca: f.fleet.ca.certificatePem, servername: 'localhost', agent: false, ...f.asOperator, headers: { 'imago-fleet-protocol': '1' } });
  const firstLine = new Promise<string>((resolve) => follower.on('response', (res) => res.once('data', (c: Buffer) => resolve(c.toString('utf8')))));
  follower.end();
  const poll = await f.send('POST', '/v1/device/poll', { as: device.as, body: pollBody(10) });
  const command = poll.json.commands[0];
  t.like(command, { kind: 'logs', follow: true, lines: 0 });
  await f.send('POST', '/v1/device/logs', { as: device.as, body: JSON.stringify({ stream: command.stream, lines: ['live'], dropped: 0, end: false }) });
  t.is(await firstLine, '{"line":"live"}\n');
  follower.destroy();
  const next = await f.send('POST', '/v1/device/poll', { as: device.as, body: pollBody(10) });
  t.deepEqual(next.json.commands.map((c: { kind: string; stream: string }) => [c.kind, c.stream]), [['logs-stop', command.stream]]);
});
