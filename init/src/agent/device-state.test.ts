import test from 'ava';
import { activate } from './activation.ts';
import { ipv4FromFibTrie, ipv6FromIfInet6 } from './addresses.ts';
import { clockProblem, waitForClock } from './clock.ts';
import { parseAgentConfig } from './config.ts';
import type { AgentCrypto } from './crypto.ts';
import { loadIdentity } from './identity.ts';
import { deviceStatus } from './status.ts';
import { fakeDeps, response, ScriptedServer } from './test-fakes.ts';
import { TransportError } from './transport.ts';

const caNotBefore = Date.UTC(2026, 0, 1);

test('clockProblem: no marker, or a year before the CA, is a reason; otherwise none', (t) => {
  t.is(clockProblem(false, Date.UTC(2026, 5, 1), caNotBefore), 'no time source answered yet');
  t.is(clockProblem(true, Date.UTC(1970, 0, 1), caNotBefore), 'the clock says 1970, before the fleet CA was made (2026)');
  t.is(clockProblem(true, Date.UTC(2026, 5, 1), caNotBefore), undefined);
});

test('waitForClock says why once every 30 s and returns when the marker appears', async (t) => {
  const { deps, files, logs } = fakeDeps();
  let checks = 0;
  const sleep = deps.sleep;
  deps.sleep = async (ms) => {
    if (++checks === 65) files.writeText('/run/imago/clock-set', '');
    await sleep(ms);
  };
  await waitForClock(deps, '/run/imago/clock-set', caNotBefore);
  t.is(logs.length, 3, '65 s of waiting: at 0, 30 and 60 s');
  t.is(logs[0], 'waiting for the clock: no time source answered yet; not activating, certificates cannot be checked');
});

function crypto(overrides: Partial<AgentCrypto> = {}): AgentCrypto {
  return {
    generateKey: () => 'KEY',
    createCsr: (key) => `CSR(${key})`,
    certificateInfo: () => ({ subject: '', issuer: '', serial: '', notBefore: 0, notAfter: 0 }),
    verifyCertificate: (cert) => (cert === 'GOOD' ? '' : 'other CA'),
    keyMatches: (cert, key) => cert === 'GOOD' && key === 'KEY',
    ...overrides,
  };
}

const input = { stateDir: '/data/fleet', ca: 'CA', token: 'tok', request: { arch: 'x86_64', image: 'img', version: '1' } };

test('activation retries network errors and 5xx with backoff, then keeps the certificate and key (0600)', async (t) => {
  const server = new ScriptedServer([new TransportError('cannot connect'), response(502), response(200, JSON.stringify({ deviceId: 'd-1234', certificate: 'GOOD' }))]);
  const { deps, files, sleeps } = fakeDeps();
  const identity = await activate(deps, crypto(), server, input);
  t.deepEqual(identity, { deviceId: 'd-1234', cert: 'GOOD', key: 'KEY' });
  t.deepEqual(sleeps, [1000, 2000]);
  t.like(server.bodies('/v1/activate')[0], { token: 'tok', csr: 'CSR(KEY)', arch: 'x86_64' });
  t.is(files.data.get('/data/fleet/device.key')!.mode, 0o600);
  t.deepEqual(loadIdentity(files, crypto(), '/data/fleet', 'CA'), identity, 'the stored identity is reused');
});

test("activation refused with 4xx logs the server's reason and asks again hourly, never throwing", async (t) => {
  const server = new ScriptedServer([response(403, '{"error":"token used up: 10 of 10 devices"}'), response(200, JSON.stringify({ deviceId: 'd-1', certificate: 'GOOD' }))]);
  const { deps, logs, sleeps } = fakeDeps();
  await activate(deps, crypto(), server, input);
  t.deepEqual(sleeps, [3_600_000]);
  t.is(logs[0], 'activation refused by the server (HTTP 403): token used up: 10 of 10 devices; asking again in an hour');
});

test('a stored identity is refused when its certificate does not verify or does not match the key', (t) => {
  const { files } = fakeDeps();
  files.writeText('/s/device.key', 'KEY');
  files.writeText('/s/device-id', 'd-1');
  files.writeText('/s/device.crt', 'BAD');
  t.deepEqual(loadIdentity(files, crypto(), '/s', 'CA'), { problem: 'the stored certificate /s/device.crt is not valid against the fleet CA: other CA' });
  files.writeText('/s/device.crt', 'GOOD');
  files.writeText('/s/device.key', 'OTHER');
  t.deepEqual(loadIdentity(files, crypto(), '/s', 'CA'), { problem: 'the stored certificate /s/device.crt does not match the key /s/device.key' });
});

test('addresses: IPv4 local hosts from fib_trie and global IPv6 from if_inet6, loopback and link-local left out', (t) => {
  const fib = 'Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 10.0.2.15\n        /32 host LOCAL\n     |-- 127.0.0.1\n        /32 host LOCAL\n     |-- 10.0.2.255\n        /32 link BROADCAST\n';
  t.deepEqual(ipv4FromFibTrie(fib), ['10.0.2.15']);
  const inet6 = '00000000000000000000000000000001 01 80 10 80       lo\nfe800000000000000000000000000001 02 40 20 80     eth0\n20010db8000000000000000000000005 02 40 00 80     eth0\n';
  t.deepEqual(ipv6FromIfInet6(inet6), ['2001:db8::5']);
});

test("deviceStatus takes the booted slot's version and the services from the init", (t) => {
  const status = deviceStatus({
    init: { image: 'img', hostname: 'dev1', uptime: 12.4, dropped: {}, services: [{ name: 'web', state: 'running', health: 'healthy', restarts: 2, pid: 9, uptime: 3 }], update: { version: '2', booted: 'B', state: 'committed', slots: [] } },
    image: 'img',
    version: '1',
    arch: 'x86_64',
    addresses: ['10.0.2.15'],
    time: 7,
  });
  t.deepEqual(status, { image: 'img', version: '2', arch: 'x86_64', hostname: 'dev1', uptime: 12, time: 7, addresses: ['10.0.2.15'], services: [{ name: 'web', state: 'running', health: 'healthy', restarts: 2, uptime: 3 }], update: { booted: 'B', state: 'committed', slots: [] } });
});

test('the config file is checked field by field, naming the file', (t) => {
  const good = { server: { host: '127.0.0.1', port: 8443 }, caFile: '/etc/imago/fleet-ca.pem', tokenFile: '/etc/imago/fleet-token', identity: 'persistent', stateDir: '/data/fleet', image: 'i', version: '1', arch: 'x86_64', pollWaitSeconds: 50 };
  t.is(parseAgentConfig(JSON.stringify(good), '/etc/imago/fleet.json').server.name, '127.0.0.1');
  t.throws(() => parseAgentConfig(JSON.stringify({ ...good, server: { host: 'h', port: 0 } }), '/etc/imago/fleet.json'), { message: '/etc/imago/fleet.json: server.port: expected a port from 1 to 65535' });
  t.throws(() => parseAgentConfig(JSON.stringify({ ...good, identity: 'forever' }), 'f.json'), { message: 'f.json: identity: expected persistent or ephemeral' });
  t.throws(() => parseAgentConfig(undefined, 'f.json'), { message: 'f.json: cannot be read' });
});
