/**
 * `imago fleet` as a user runs it: child processes of the real CLI (init,
 * operator add, serve, operator commands) against a real server on loopback.
 */
import { outcomeLine } from './operator-commands.ts';
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { signedBundle } from '../../test/signed-bundle.ts';
import { readFile, stat, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fleetProtocolHeader } from '../../../contract/index.ts';
import { createFleetCa } from '../pki/fleet-ca.ts';
import { issueOperatorCertificate } from '../pki/operator-certificate.ts';
import { activationBody, deviceKeyAndCsr, pollBody } from '../../test/fleet-fixture.ts';

const main = new URL('../../../builder/src/cli/main.ts', import.meta.url).pathname;

function imago(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { env: { ...process.env, ...env, IMAGO_FLEET_PROFILE: env.IMAGO_FLEET_PROFILE ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `imago fleet serve`, resolved once it says it is serving. */
async function serve(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'fleet', 'serve', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      if (out.includes('serving')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return child;
}

function deviceCall(port: number, ca: string, path: string, body: string, as: { cert?: string; key?: string } = {}): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, ca, servername: 'localhost', agent: false, ...as, headers: { [fleetProtocolHeader]: '1' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function tempDir(t: { teardown: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imago-fleet-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('fleet init writes the CA, the server certificate (keys 0600) and fleet.json, and refuses a folder that already holds a fleet', async (t) => {
  const dir = join(await tempDir(t), 'fleet');
  const first = await imago(['fleet', 'init', dir, '--address', '10.0.0.5', '--address', 'fleet.lan', '--listen', '127.0.0.1:8443']);
  t.is(first.code, 0, first.stderr);
  t.is((await stat(join(dir, 'ca.key'))).mode & 0o777, 0o600);
  t.is((await stat(join(dir, 'server.key'))).mode & 0o777, 0o600);
  t.deepEqual(JSON.parse(await readFile(join(dir, 'fleet.json'), 'utf8')), { listen: '127.0.0.1:8443', addresses: ['10.0.0.5', 'fleet.lan'], storage: { kind: 'sqlite', file: 'fleet.db' } });
  const again = await imago(['fleet', 'init', dir]);
  t.is(again.code, 1);
  t.regex(again.stderr, /already holds a fleet/);
  const badListen = await imago(['fleet', 'init', join(dir, '..', 'other'), '--listen', 'nowhere']);
  t.regex(badListen.stderr, /--listen: expected HOST:PORT/);
});

test('an operator creates a batch, sees the device it activated, restarts a service on it, revokes it and reads the audit, all through imago fleet', async (t) => {
  t.timeout(120_000);
  const root = await tempDir(t);
  const dir = join(root, 'fleet');
  const port = await freePort();
  t.is((await imago(['fleet', 'init', dir, '--listen', `127.0.0.1:${port}`])).code, 0);
  const added = await imago(['fleet', 'operator', 'add', 'alice', '--fleet', dir]);
  t.is(added.code, 0, added.stderr);
  const profile = join(dir, 'operators', 'alice.json');
  t.is((await stat(profile)).mode & 0o777, 0o600);
  t.is(JSON.parse(await readFile(profile, 'utf8')).server, `127.0.0.1:${port}`);
  const server = await serve(dir);
  t.teardown(() => void server.kill('SIGTERM'));

  const batch = await imago(['fleet', 'batch', 'create', '--count', '1', '--expires', '1h', '--name', 'line-1', '--json', '--profile', profile]);
  t.is(batch.code, 0, batch.stderr);
  const { token } = JSON.parse(batch.stdout);
  const ca = await readFile(join(dir, 'ca.pem'), 'utf8');
  const { keyPem, csrPem } = await deviceKeyAndCsr();
  const activated = await deviceCall(port, ca, '/v1/activate', activationBody(token, csrPem));
  t.is(activated.status, 200);
  const device = { id: activated.json.deviceId as string, as: { cert: activated.json.certificate as string, key: keyPem } };

  const env = { IMAGO_FLEET_PROFILE: profile };
  const devices = await imago(['fleet', 'devices', '--json'], env);
  t.deepEqual(JSON.parse(devices.stdout).map((d: { id: string }) => d.id), [device.id]);
  const listed = await imago(['fleet', 'batch', 'list'], env);
  t.regex(listed.stdout, /^line-1 {2}1\/1 used {2}expires /m);

  const restart = imago(['fleet', 'restart', device.id, 'web'], env);
  let command: { id: string } | undefined;
  for (let i = 0; i < 20 && !command; i++) command = (await deviceCall(port, ca, '/v1/device/poll', pollBody(5), device.as)).json.commands[0];
  t.like(command, { kind: 'restart', service: 'web' });
  await deviceCall(port, ca, '/v1/device/poll', pollBody(0, [{ id: command!.id, ok: true }]), device.as);
  const restarted = await restart;
  t.is(restarted.code, 0, restarted.stderr);
  t.is(restarted.stdout, `restart web on ${device.id}: done\n`);

  const bundleFile = join(root, 'v2.bundle');
  await writeFile(bundleFile, await signedBundle('2.0.0'));
  const update = imago(['fleet', 'update', device.id, bundleFile], env);
  let updateCommand: { id: string; kind: string } | undefined;
  for (let i = 0; i < 20 && !updateCommand; i++) updateCommand = (await deviceCall(port, ca, '/v1/device/poll', pollBody(5), device.as)).json.commands[0];
  t.like(updateCommand, { kind: 'update', version: '2.0.0' });
  await deviceCall(port, ca, '/v1/device/poll', pollBody(0, [{ id: updateCommand!.id, ok: true, outcome: 'committed' }]), device.as);
  const updated = await update;
  t.is(updated.code, 0, updated.stderr);
  t.regex(updated.stdout, new RegExp(`^${device.id}: committed$`, 'm'));

  t.is((await imago(['fleet', 'revoke', device.id], env)).code, 0);
  t.is((await deviceCall(port, ca, '/v1/device/poll', pollBody(0), device.as)).status, 403);
  const audit = JSON.parse((await imago(['fleet', 'audit', '--json'], env)).stdout) as { operator: string; action: string }[];
  t.deepEqual(audit.map((e) => `${e.operator} ${e.action}`).sort(), ['alice create-batch', 'alice restart', 'alice revoke-device', 'alice update', 'alice upload-bundle']);

  const refused = await imago(['fleet', 'status', 'dev-nope'], env);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /refused: no device dev-nope/);
});

test('an unreachable server is named by host:port, and a missing profile says how to give one', async (t) => {
  const root = await tempDir(t);
  const port = await freePort();
  const profile = join(root, 'p.json');
  const ca = await createFleetCa();
  const operator = await issueOperatorCertificate(ca, 'a');
  await writeFile(profile, JSON.stringify({ operator: 'a', server: `127.0.0.1:${port}`, ca: ca.certificatePem, certificate: operator.certificatePem, key: operator.keyPem }));
  const unreachable = await imago(['fleet', 'devices', '--profile', profile]);
  t.is(unreachable.code, 1);
  t.regex(unreachable.stderr, new RegExp(`imago: error: .*127\\.0\\.0\\.1:${port}`));
  await writeFile(profile, JSON.stringify({ operator: 'a', server: `127.0.0.1:${port}`, ca: 'x', certificate: 'x', key: 'x' }));
  const broken = await imago(['fleet', 'devices', '--profile', profile]);
  t.is(broken.code, 1);
  t.regex(broken.stderr, /operator profile of a: its ca, certificate or key is not usable PEM/);
  const none = await imago(['fleet', 'devices']);
  t.regex(none.stderr, /give --profile FILE or set IMAGO_FLEET_PROFILE/);
});

test('an update outcome reads as one phrase: the device says "rolled back from ..." once, not "rolled-back: rolled back from ..."', (t) => {
  t.is(outcomeLine('committed', undefined), 'committed');
  t.is(outcomeLine('rolled-back', 'rolled back from version 3: critical services not healthy'), 'rolled back from version 3: critical services not healthy');
  t.is(outcomeLine('committed', 'running version 2, committed'), 'committed: running version 2, committed');
  t.is(outcomeLine('failed', 'bundle refused'), 'failed: bundle refused');
});
