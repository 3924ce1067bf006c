/**
 * Updates through the fleet server: an operator uploads a real signed bundle
 * (made by `imago bundle`'s code), the server reads its header with the
 * contract's bundle format, queues `update`, serves the bytes to the device,
 * and the operator sees the outcome the device reports.
 */
import test from 'ava';
import { request } from 'node:https';
import { signedBundle } from '../../test/signed-bundle.ts';
import { activateDevice, createBatch, pollBody, startTestFleet, type Identity, type TestFleet } from '../../test/fleet-fixture.ts';

function fetchBytes(f: TestFleet, path: string, as: Identity): Promise<{ status: number; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: f.server.port, path, ca: f.fleet.ca.certificatePem, servername: 'localhost', agent: false, ...as, headers: { 'imago-fleet-protocol': '1' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('an uploaded bundle is read for version and compatible, queued as an update, served to the device, and its outcome reaches the operator', async (t) => {
  const f = await startTestFleet();
  t.teardown(() => f.close());
  const device = await activateDevice(f, await createBatch(f, { count: 1, expires: '1h' }));
  const bytes = await signedBundle('1.2.0');
  const uploaded = await f.send('POST', '/v1/bundles', { as: f.asOperator, body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  t.is(uploaded.status, 200, uploaded.text);
  t.like(uploaded.json, { version: '1.2.0', compatible: 'edge-x86_64', size: bytes.length });
  const queued = await f.send('POST', `/v1/devices/${device.id}/update`, { as: f.asOperator, body: JSON.stringify({ sha256: uploaded.json.sha256 }) });
  t.is(queued.status, 202, queued.text);
  const poll = await f.send('POST', '/v1/device/poll', { as: device.as, body: pollBody(5) });
  const command = poll.json.commands[0];
  t.deepEqual(command, { id: queued.json.command.id, kind: 'update', sha256: uploaded.json.sha256, size: bytes.length, version: '1.2.0' });
  const download = await fetchBytes(f, `/v1/device/bundles/${command.sha256}`, device.as);
  t.is(download.status, 200);
  t.true(download.bytes.equals(bytes));
  t.is((await fetchBytes(f, `/v1/device/bundles/${command.sha256}`, f.asOperator)).status, 403, 'an operator certificate downloaded from a device route');
  const waiting = f.send('GET', `/v1/commands/${command.id}?wait=10&outcome=1`, { as: f.asOperator });
  await f.send('POST', '/v1/device/poll', { as: device.as, body: pollBody(0, [{ id: command.id, ok: true, outcome: 'committed' }]) });
  const done = await waiting;
  t.is(done.status, 200);
  t.deepEqual(done.json.result, { id: command.id, ok: true, outcome: 'committed' });
  const audit = await f.store.listAudit(10);
  t.deepEqual(audit.map((e) => e.action).sort(), ['create-batch', 'update', 'upload-bundle']);
});

test('a file that is not a bundle is refused with 400 and stored nowhere', async (t) => {
  const f = await startTestFleet();
  t.teardown(() => f.close());
  const reply = await f.send('POST', '/v1/bundles', { as: f.asOperator, body: Buffer.from('not a bundle at all') });
  t.is(reply.status, 400);
  t.regex(reply.json.error, /^bundle: /);
  t.deepEqual(await f.store.listAudit(10), []);
});
