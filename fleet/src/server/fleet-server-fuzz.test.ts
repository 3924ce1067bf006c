/**
 * 10,000 malformed requests against a running server (real TLS, real store):
 * random and truncated bodies, wrong types, huge fields, bad paths, methods,
 * identities, protocol headers, the web console's sign-in and made-up session
 * cookies, and raw bytes that are not HTTP at all. Every
 * reply must be a JSON `{error}` with a 4xx status and no stack trace, and
 * the server must still answer a good request at the end. Seeded, so a
 * failure repeats.
 */
import test from 'ava';
import { Agent, request } from 'node:https';
import { connect } from 'node:tls';
import { fleetProtocolHeader } from '../../../contract/index.ts';
import { activateDevice, activationBody, createBatch, deviceKeyAndCsr, pollBody, startTestFleet, type Identity } from '../../test/fleet-fixture.ts';

function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Fuzzed {
  kind: string;
  method: string;
  path: string;
  as: 'none' | 'device' | 'operator';
  body?: Buffer;
  headers?: Record<string, string>;
  raw?: Buffer;
}

const operatorGets = ['/v1/devices', '/v1/batches', '/v1/audit'];
const deviceBodyRoutes = ['/v1/device/poll', '/v1/device/logs'];
const operatorBodyRoutes = ['/v1/batches', '/v1/devices/dev-0000000000000000/update'];

test('10,000 malformed requests each get a JSON 4xx without a stack trace, and the server still answers a good request', async (t) => {
  t.timeout(240_000);
  const f = await startTestFleet();
  t.teardown(() => f.close());
  const token = await createBatch(f, { name: 'fuzz', count: 3, expires: '1h' });
  const device = await activateDevice(f, token);
  const { csrPem } = await deviceKeyAndCsr();
  const identities: Record<Fuzzed['as'], Identity> = { none: {}, device: device.as, operator: f.asOperator };
  const agents = Object.fromEntries(Object.entries(identities).map(([k, id]) => [k, new Agent({ keepAlive: true, maxSockets: 4, ca: f.fleet.ca.certificatePem, cert: id.cert, key: id.key })])) as Record<Fuzzed['as'], Agent>;
  t.teardown(() => Object.values(agents).forEach((a) => a.destroy()));
  const random = prng(12);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const junk = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const validBodies = {
    activate: activationBody(token.replace(/.$/, '_'), csrPem),
    '/v1/device/poll': pollBody(0),
    '/v1/device/logs': JSON.stringify({ stream: 's1', lines: ['a'], dropped: 0, end: false }),
    '/v1/batches': JSON.stringify({ count: 1, expires: '1h' }),
    '/v1/devices/dev-0000000000000000/update': JSON.stringify({ sha256: 'a'.repeat(64) }),
    '/console/sign-in': JSON.stringify({ operator: 'nobody', password: 'not-this-one' }),
  } as Record<string, string>;
  const wrongTypes = [1, -1, 1e308, true, null, [], 'x', '', [1, 2]];

  /** A body that no parser accepts. */
  function badBody(valid: string): Buffer {
    const variant = Math.floor(random() * 5);
    if (variant === 0) return junk(1 + Math.floor(random() * 300));
    if (variant === 1) return Buffer.from(valid.slice(0, Math.floor(random() * (valid.length - 1))));
    const value = JSON.parse(valid) as Record<string, unknown>;
    const keys = Object.keys(value);
    if (variant === 2) {
      // A value of another JSON type than the field's (numbers get a negative fraction, wrong for every count).
      const key = pick(keys);
      const original = value[key];
      const others: Record<string, unknown[]> = { string: [42, null, [], {}, false], number: ['7', null, [], {}, true, -1.5], boolean: [0, 'true', null], object: [Array.isArray(original) ? {} : [], 'a', 1] };
      return Buffer.from(JSON.stringify({ ...value, [key]: pick(others[typeof original] ?? [null]) }));
    }
    if (variant === 3) return Buffer.from(JSON.stringify(pick(wrongTypes)));
    // Past every field's limit; now and then past the whole body's limit too (413).
    const size = random() < 0.05 ? 1_100_000 : 70_000 + Math.floor(random() * 100_000);
    return Buffer.from(JSON.stringify({ ...value, [pick(keys)]: 'x'.repeat(size) }));
  }

  function fuzzed(): Fuzzed {
    const r = random();
    if (r < 0.12) {
      const segments = Array.from({ length: 1 + Math.floor(random() * 5) }, () => pick(['v1', 'device', 'devices', '..', '%00', '', 'x'.repeat(200), 'é', 'poll', 'logs', '.', 'v2', '*']));
      const path = `/${segments.join('/')}`;
      return { kind: 'bad path', method: pick(['GET', 'POST', 'PUT']), path: /^\/v1\/(devices|batches|audit|device\/poll|device\/logs)$/.test(path) ? `${path}/zz/zz/zz/zz` : path, as: pick(['none', 'device', 'operator'] as const) };
    }
    if (r < 0.22) return { kind: 'bad method', method: pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS']), path: pick([...operatorGets, ...deviceBodyRoutes, '/v1/activate']), as: pick(['none', 'device', 'operator'] as const) };
    if (r < 0.34) {
      const route = pick([...operatorGets, ...operatorBodyRoutes, ...deviceBodyRoutes, '/v1/device/bundles/' + 'a'.repeat(64)]);
      const isDevice = route.startsWith('/v1/device/');
      return { kind: 'wrong identity', method: route === '/v1/device/bundles/' + 'a'.repeat(64) || operatorGets.includes(route) ? 'GET' : 'POST', path: route, as: isDevice ? pick(['none', 'operator'] as const) : pick(['none', 'device'] as const), body: Buffer.from('{}') };
    }
    if (r < 0.44) {
      const headers = pick<Record<string, string>>([{ [fleetProtocolHeader]: '2' }, { [fleetProtocolHeader]: '' }, { [fleetProtocolHeader]: '1.0' }, { [fleetProtocolHeader]: 'x'.repeat(100) }, {}]);
      return { kind: 'wrong protocol header', method: 'POST', path: pick([...deviceBodyRoutes, '/v1/activate']), as: 'device', headers, body: Buffer.from(pollBody(0)) };
    }
    if (r < 0.8) {
      const route = pick(['/v1/activate', ...deviceBodyRoutes, ...operatorBodyRoutes]);
      const as = route === '/v1/activate' ? pick(['none', 'device', 'operator'] as const) : route.startsWith('/v1/device/') ? 'device' : 'operator';
      return { kind: 'malformed body', method: 'POST', path: route, as, body: badBody(validBodies[route === '/v1/activate' ? 'activate' : route]!) };
    }
    if (r < 0.85) {
      // The web console's sign-in: JSON only, so every malformed body is sent as JSON.
      return { kind: 'malformed sign-in', method: 'POST', path: '/console/sign-in', as: 'none', headers: { 'content-type': 'application/json' }, body: badBody(validBodies['/console/sign-in']!) };
    }
    if (r < 0.9) {
      // A browser's way in: a session cookie, made up, mangled or of the wrong shape, and a CSRF header to match.
      const session = pick([junk(43).toString('base64url').slice(0, 43), junk(20).toString('hex'), 'x'.repeat(5000), '', '%00;;=', 'a.b.c'.repeat(9)]);
      const route = pick([...operatorGets, ...operatorBodyRoutes, '/console/session', '/console/sign-out', '/console/events']);
      const method = operatorGets.includes(route) || route === '/console/session' || route === '/console/events' ? 'GET' : 'POST';
      return { kind: 'made-up session', method, path: route, as: 'none', headers: { [fleetProtocolHeader]: '1', cookie: `__Host-imago-session=${session}`, 'x-imago-csrf': junk(32).toString('base64url') }, body: Buffer.from('{}') };
    }
    if (r < 0.95) {
      return { kind: 'bad query or unknown id', method: 'GET', path: pick(['/v1/devices/nope', '/v1/commands/nope?wait=abc', '/v1/audit?limit=-1', '/v1/audit?limit=99999999999', `/v1/devices/${device.id}/services/web/logs?lines=x`, '/v1/device/bundles/XYZ']), as: 'operator' };
    }
    const raw = pick([
      () => junk(1 + Math.floor(random() * 200)),
      () => Buffer.from(`GET /v1/devices HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n`),
      () => Buffer.from(`POST /v1/activate HTTP/1.1\r\nHost: x\r\ncontent-length: abc\r\n\r\n`),
      () => Buffer.from(`GET /v1/devices HTTP/1.1\r\nHost: x\r\nx: ${'y'.repeat(20_000)}\r\n\r\n`),
      () => Buffer.from(`POST /v1/activate HTTP/1.1\r\nHost: x\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\nhello`),
      () => Buffer.from(`GARBAGE\r\n\r\n`),
    ])();
    return { kind: 'not HTTP', method: '', path: '', as: 'none', raw };
  }

  function sendRaw(bytes: Buffer): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: f.server.port, ca: f.fleet.ca.certificatePem, servername: 'localhost' }, () => socket.end(bytes));
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', reject);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
        resolve({ status, text: text.slice(text.indexOf('\r\n\r\n') + 4) });
      });
    });
  }

  function send(r: Fuzzed): Promise<{ status: number; text: string; type?: string }> {
    if (r.raw) return sendRaw(r.raw);
    return new Promise((resolve, reject) => {
      const headers = r.headers ?? { [fleetProtocolHeader]: '1' };
      const req = request({ host: '127.0.0.1', port: f.server.port, servername: 'localhost', method: r.method, path: r.path, agent: agents[r.as], headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), type: res.headers['content-type'] }));
      });
      // A server that stops reading a huge body may reset the connection while we still write; its reply came first.
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? resolve({ status: 413, text: '{"error":"reset while sending"}', type: 'application/json' }) : reject(error)));
      req.end(r.body);
    });
  }

  const devicesBefore = (await f.store.listDevices()).length;
  const failures: string[] = [];
  let done = 0;
  const total = 10_000;
  const worker = async () => {
    while (done < total) {
      done++;
      const r = fuzzed();
      const reply = await send(r);
      let error: unknown;
      try {
        error = JSON.parse(reply.text).error;
      } catch {}
      const traced = /\n\s+at |\.ts:\d+|node:internal/.test(reply.text);
      if (reply.status < 400 || reply.status > 499 || typeof error !== 'string' || traced) {
        failures.push(`${r.kind} ${r.method} ${r.path.slice(0, 80)} as ${r.as}: ${reply.status} ${reply.text.slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  t.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${total} replies were not a JSON 4xx without a trace`);
  t.is((await f.store.listDevices()).length, devicesBefore, 'a malformed request added a device');
  const good = await f.send('GET', '/v1/devices', { as: f.asOperator });
  t.is(good.status, 200);
  t.is(good.json.devices.length, devicesBefore);
});
