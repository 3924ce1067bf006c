/**
 * The spec's `fleet:` and `time:` sections: what they resolve to, each
 * refusal at its place with its message (schema and cross-field rules), and
 * the file checks `imago validate` runs on the CA and the token, against a
 * real certificate made by openssl.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec } from './load.ts';
import { parseSpec } from './parse.ts';
import { renderProblem } from './problem.ts';

const head = 'version: 1\nname: x\n';
const updateSection = 'update:\n  keys: [k.pub]\n';

test('fleet: the server splits into host and port; name, identity and poll_wait are optional', (t) => {
  const { spec, problems } = parseSpec(`${head}${updateSection}fleet:\n  server: fleet.lan:8443\n  ca: ca.pem\n  token: t.token\n`, 'ok.yml');
  t.deepEqual(problems.map(renderProblem), []);
  t.deepEqual(spec!.fleet, { server: { host: 'fleet.lan', port: 8443 }, ca: 'ca.pem', token: 't.token' });
});

test('time: servers are host or host:port; a fleet with an ephemeral identity needs no data partition', (t) => {
  const { spec, problems } = parseSpec(`${head}fleet: { server: "10.0.2.2:8443", ca: ca.pem, token: t, identity: ephemeral, poll_wait: 5 }\ntime:\n  servers: [10.0.2.2, "ntp.lan:1123"]\n`, 'ok.yml');
  t.deepEqual(problems.map(renderProblem), []);
  t.deepEqual(spec!.time, { servers: ['10.0.2.2', 'ntp.lan:1123'] });
  t.is(spec!.fleet!.poll_wait, 5);
});

test('a service may depend on the time service being ready', (t) => {
  const { problems } = parseSpec(`${head}time: { servers: [10.0.2.2] }\nservices:\n  - name: app\n    command: /app\n    depends_on: { time: ready }\n`, 'ok.yml');
  t.deepEqual(problems.map(renderProblem), []);
});

/** Each bad `fleet:` or `time:` with the located messages it must produce. */
const invalidCases: { name: string; yaml: string; messages: string[] }[] = [
  {
    name: 'a server written as a URL',
    yaml: `${updateSection}fleet:\n  server: "https\u003a//fleet.lan:8443"\n  ca: ca.pem\n  token: t\n`,
    messages: [`bad.yml:6:11: fleet.server: expected host:port, such as fleet.lan:8443 or 10.0.0.1:8443 (without a scheme: the agent always speaks HTTPS), got "https\u003a//fleet.lan:8443"`],
  },
  {
    name: 'a server without a port',
    yaml: `${updateSection}fleet: { server: fleet.lan, ca: ca.pem, token: t }\n`,
    messages: ['bad.yml:5:18: fleet.server: expected host:port, such as fleet.lan:8443 or 10.0.0.1:8443, got "fleet.lan"'],
  },
  {
    name: 'a port out of range',
    yaml: `${updateSection}fleet: { server: "fleet.lan:70000", ca: ca.pem, token: t }\n`,
    messages: ['bad.yml:5:18: fleet.server: expected host:port, such as fleet.lan:8443 or 10.0.0.1:8443, got "fleet.lan:70000"'],
  },
  {
    name: 'a persistent identity without a data partition',
    yaml: 'fleet: { server: "fleet.lan:8443", ca: ca.pem, token: t }\n',
    messages: ['bad.yml:3:8: fleet.identity: a persistent identity is kept on the data partition, which this image has not; add update: (its raw disk has /data) or set identity: ephemeral (the device activates again at each boot)'],
  },
  {
    name: 'an unknown identity',
    yaml: 'fleet: { server: "fleet.lan:8443", ca: ca.pem, token: t, identity: forever }\n',
    messages: ['bad.yml:3:68: fleet.identity: expected one of persistent|ephemeral, got "forever"'],
  },
  {
    name: 'a poll_wait longer than the protocol allows',
    yaml: 'fleet: { server: "fleet.lan:8443", ca: ca.pem, token: t, identity: ephemeral, poll_wait: 90 }\n',
    messages: ['bad.yml:3:90: fleet.poll_wait: expected at most 60, got 90'],
  },
  {
    name: 'a fleet without any time source (static address, no time servers)',
    yaml: 'network: { interfaces: [{ name: eth0, address: 10.0.0.5/24 }] }\nfleet: { server: "10.0.0.1:8443", ca: ca.pem, token: t, identity: ephemeral }\n',
    messages: ['bad.yml:4:8: fleet: the fleet agent needs the time to check certificates, and this image has no time source (no time.servers and no interface using DHCP); add time: { servers: [host] }'],
  },
  {
    name: 'a time server written as a URL',
    yaml: 'time: { servers: ["ntp\u003a//pool.lan"] }\n',
    messages: [`bad.yml:3:19: time.servers[0]: expected an NTP server as host or host:port, such as pool.ntp.lan or 10.0.0.1:123 (without a scheme: ntpd speaks NTP), got "ntp\u003a//pool.lan"`],
  },
  {
    name: "a service named like the time service",
    yaml: 'time: {}\nservices: [{ name: time, command: /t }]\n',
    messages: ['bad.yml:4:20: services[0].name: name "time" is taken by the service that time: adds; choose another'],
  },
  {
    name: "a service named like the fleet agent",
    yaml: 'fleet: { server: "10.0.0.1:8443", ca: ca.pem, token: t, identity: ephemeral }\nservices: [{ name: fleet-agent, command: /a }]\n',
    messages: ['bad.yml:4:20: services[0].name: name "fleet-agent" is taken by the service that fleet: adds; choose another'],
  },
];

for (const { name, yaml, messages } of invalidCases) {
  test(`fleet/time: ${name} is refused at its place`, (t) => {
    const { problems } = parseSpec(head + yaml, 'bad.yml');
    t.deepEqual(problems.map(renderProblem), messages);
  });
}

/** A real self-signed P-256 certificate, as a fleet CA is. */
function makeCa(dir: string): string {
  const key = join(dir, 'ca.key');
  const cert = join(dir, 'ca.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=test fleet CA'], { stdio: 'ignore' });
  return cert;
}

async function fleetDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imago-fleet-spec-'));
  makeCa(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await writeFile(join(dir, 'spec.yml'), `${head}fleet:\n  server: "10.0.2.2:8443"\n  ca: ${files['ca'] === undefined ? 'ca.pem' : 'ca'}\n  token: t.token\n  identity: ephemeral\n`);
  return join(dir, 'spec.yml');
}

test('validate accepts a fleet with a real CA certificate and a one-line token', async (t) => {
  const { problems } = await loadSpec(await fleetDir({ 't.token': 'imago-batch-abc123\n' }));
  t.deepEqual(problems.map((p) => `${p.path}: ${p.message}`), []);
});

const fileCases: { name: string; files: Record<string, string>; path: string; message: RegExp }[] = [
  { name: 'a CA file holding a private key', files: { ca: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', 't.token': 'x\n' }, path: 'fleet.ca', message: /^fleet CA "ca": expected a PEM certificate \(-----BEGIN CERTIFICATE-----\)/ },
  { name: 'a CA file whose certificate does not parse', files: { ca: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 't.token': 'x\n' }, path: 'fleet.ca', message: /^fleet CA "ca": expected a PEM certificate, but it does not parse/ },
  { name: 'an empty token file', files: { 't.token': '\n' }, path: 'fleet.token', message: /^token file "t.token": expected the activation token on one line, got an empty file/ },
  { name: 'a token file of two lines', files: { 't.token': 'a\nb\n' }, path: 'fleet.token', message: /^token file "t.token": expected the activation token on one line, got 2 lines/ },
  { name: 'a missing token file', files: {}, path: 'fleet.token', message: /^cannot read token file "t.token" \(relative to .*\): no such file; make one with imago fleet batch create/ },
];

for (const { name, files, path, message } of fileCases) {
  test(`validate refuses ${name}, at its line`, async (t) => {
    const { spec, problems } = await loadSpec(await fleetDir(files));
    t.is(spec, undefined);
    const found = problems.find((p) => p.path === path);
    t.truthy(found, problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
    t.regex(found!.message, message);
    t.true(found!.line > 0);
  });
}
