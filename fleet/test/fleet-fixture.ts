/**
 * A real fleet for tests: `fleet init` in a temporary folder, the real store
 * (SQLite, or PostgreSQL when `postgres` gives a connection), the real server
 * on a loopback port, an operator profile, and a device that makes its own
 * key and CSR the way the agent does. Nothing is faked: TLS, certificates and
 * the store are the ones `imago fleet serve` uses.
 */
import { request } from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fleetProtocolHeader, fleetProtocolVersion, type DeviceStatus } from '../../contract/index.ts';
import { initFleet } from '../src/init-fleet.ts';
import { loadFleet, type Fleet } from '../src/load-fleet.ts';
import { addOperator } from '../src/cli/operator-add.ts';
import { readProfile, type OperatorProfile } from '../src/cli/profile.ts';
import { startFleetServer, type RunningFleetServer } from '../src/server/fleet-server.ts';
import { openStore } from '../src/store/open-store.ts';
import type { FleetStore } from '../src/store/store.ts';
import { ecdsaSigning, generateKeyPair, privateKeyToPem, x509 } from '../src/pki/x509.ts';

export interface Identity {
  cert?: string;
  key?: string;
}

export interface Reply {
  status: number;
  text: string;
  json: any;
  headers: Record<string, string | string[] | undefined>;
}

export interface TestFleet {
  dir: string;
  fleet: Fleet;
  store: FleetStore;
  server: RunningFleetServer;
  operator: OperatorProfile;
  clock: { offset: number };
  /** One HTTPS request to the server with an identity (or none). */
  /** `port`: another server on the same fleet (a second `imago fleet serve` on a shared PostgreSQL). */
  send(method: string, path: string, options?: { as?: Identity; body?: string | Buffer; headers?: Record<string, string>; port?: number }): Promise<Reply>;
  asOperator: Identity;
  close(): Promise<void>;
}

export async function startTestFleet(options: { postgres?: string; commandWaitMs?: number } = {}): Promise<TestFleet> {
  const root = await mkdtemp(join(tmpdir(), 'imago-fleet-'));
  const dir = join(root, 'fleet');
  await initFleet(dir, { addresses: ['fleet.test'], listen: '127.0.0.1:8443', postgres: options.postgres });
  const fleet = await loadFleet(dir);
  const profileFile = await addOperator('alice', { fleet: dir, server: '127.0.0.1:1' });
  const store = await openStore(fleet.config.storage, dir);
  const clock = { offset: 0 };
  const server = await startFleetServer({ fleet, store, listen: { host: '127.0.0.1', port: 0 }, now: () => Date.now() + clock.offset, log: () => {}, commandWaitMs: options.commandWaitMs });
  const operator = { ...(await readProfile(profileFile)), server: `127.0.0.1:${server.port}` };
  const asOperator = { cert: operator.certificate, key: operator.key };
  const send: TestFleet['send'] = (method, path, { as = {}, body, headers, port = server.port } = {}) =>
    sendToFleet({ port, ca: fleet.ca.certificatePem, method, path, as, body, headers });
  return {
    dir,
    fleet,
    store,
    server,
    operator,
    clock,
    send,
    asOperator,
    async close() {
      await server.close();
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * One HTTPS request to a fleet server on 127.0.0.1, trusting only its CA, one TLS connection as the agent makes; the reply with its body parsed when it is JSON.
 * `protocolHeader: false` sends only the given headers, as a browser does.
 */
export function sendToFleet(options: { port: number; ca: string; method: string; path: string; as?: Identity; body?: string | Buffer; headers?: Record<string, string>; timeoutMs?: number; protocolHeader?: boolean }): Promise<Reply> {
  const { port, ca, method, path, as = {}, body, headers = {}, timeoutMs, protocolHeader = true } = options;
  const sent = protocolHeader ? { [fleetProtocolHeader]: String(fleetProtocolVersion), ...headers } : headers;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, ca, servername: 'localhost', cert: as.cert, key: as.key, agent: false, timeout: timeoutMs, headers: sent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json, headers: res.headers });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A key and CSR as a device's agent makes them. */
export async function deviceKeyAndCsr(): Promise<{ keyPem: string; csrPem: string }> {
  const keys = await generateKeyPair();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=new-device', keys, signingAlgorithm: ecdsaSigning });
  return { keyPem: await privateKeyToPem(keys.privateKey), csrPem: csr.toString('pem') };
}

/** Creates a batch through the operator API; returns its token. */
export async function createBatch(f: TestFleet, body: Record<string, unknown>): Promise<string> {
  const reply = await f.send('POST', '/v1/batches', { as: f.asOperator, body: JSON.stringify(body) });
  if (reply.status !== 200) throw new Error(`batch create: ${reply.status} ${reply.text}`);
  return reply.json.token;
}

export function activationBody(token: string, csrPem: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ token, csr: csrPem, arch: 'x86_64', image: 'edge', version: '1.0.0', hostname: 'box', ...extra });
}

/** Activates a new device; returns its id and identity. */
export async function activateDevice(f: TestFleet, token: string, extra: Record<string, unknown> = {}): Promise<{ id: string; as: Identity }> {
  const { keyPem, csrPem } = await deviceKeyAndCsr();
  const reply = await f.send('POST', '/v1/activate', { body: activationBody(token, csrPem, extra) });
  if (reply.status !== 200) throw new Error(`activate: ${reply.status} ${reply.text}`);
  return { id: reply.json.deviceId, as: { cert: reply.json.certificate, key: keyPem } };
}

export const sampleStatus: DeviceStatus = {
  image: 'edge',
  version: '1.0.0',
  arch: 'x86_64',
  hostname: 'box',
  uptime: 12,
  time: 1_700_000_000_000,
  addresses: ['10.0.0.9'],
  services: [{ name: 'web', state: 'running', health: 'healthy', restarts: 0, uptime: 10 }],
};

export function pollBody(wait: number, results: unknown[] = []): string {
  return JSON.stringify({ status: sampleStatus, results, wait });
}
