/**
 * The real agent binary, a real init supervising a service, and a real fleet
 * server on loopback (TLS with the fleet's own CA, SQLite store): activation,
 * heartbeats, a remote restart and remote logs, end to end.
 */
import test from 'ava';
import { request } from 'node:https';
import type { DeviceStatus } from '../../contract/index.ts';
import { createBatch, startTestFleet, type TestFleet } from '../../fleet/test/fleet-fixture.ts';
import { startInit, type RunningInit } from './host-init.ts';
import { startAgent, type RunningAgent } from './host-agent.ts';

// awk counts, so the command has no $ for the spec's command splitting to touch.
// chatty writes 300 lines at once; with small files they spread over rotated ones, beyond the ring.
const spec = `logs: { max_size: 2048, keep: 8, ring: 20 }
services:
  - name: ticker
    command: awk 'BEGIN { for (i = 1; ; i++) { print "tick", i; fflush(); system("sleep 0.2") } }'
  - name: chatty
    command: awk 'BEGIN { for (i = 1; i <= 300; i++) print "line", i; fflush(); system("sleep 100000") }'
`;

let fleet: TestFleet;
let init: RunningInit;
let agent: RunningAgent;
let deviceId: string;

test.before(async () => {
  fleet = await startTestFleet({ commandWaitMs: 10_000 });
  init = await startInit(spec);
  await init.waitForLog('ticker', /tick 1/);
  const token = await createBatch(fleet, { name: 'host', count: 2, expires: '1h' });
  agent = await startAgent({ server: { host: '127.0.0.1', port: fleet.server.port, name: 'localhost' }, caPem: fleet.fleet.ca.certificatePem, token, control: init.socket, pollWaitSeconds: 5, logDir: init.logDir });
  deviceId = /activated as (\S+)/.exec(await agent.waitForOutput(/activated as /, 60_000))![1]!;
});

test.after.always(async () => {
  await agent?.stop();
  await init?.stop();
  await fleet?.close();
});

async function deviceStatus(): Promise<DeviceStatus | undefined> {
  const reply = await fleet.send('GET', `/v1/devices/${deviceId}`, { as: fleet.asOperator });
  return reply.json?.status;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n--- agent\n${agent.output().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test.serial('the agent activates with the batch token and says it is connected', async (t) => {
  t.regex(deviceId, /^[A-Za-z0-9]/);
  await agent.waitForOutput(/connected to 127\.0\.0\.1:\d+/);
  const reply = await fleet.send('GET', '/v1/devices', { as: fleet.asOperator });
  t.true(JSON.stringify(reply.json).includes(deviceId));
});

test.serial("the heartbeat carries the init's services", async (t) => {
  const status = await until('a heartbeat with ticker', async () => {
    const s = await deviceStatus();
    return s?.services.some((x) => x.name === 'ticker' && x.state === 'running') ? s : undefined;
  }, 15_000);
  t.is(status.arch, 'x86_64');
  t.is(status.image, 'host-test');
});

test.serial('a remote restart goes through the control socket and raises the restart count', async (t) => {
  const before = (await deviceStatus())!.services.find((s) => s.name === 'ticker')!.restarts;
  const reply = await fleet.send('POST', `/v1/devices/${deviceId}/services/ticker/restart`, { as: fleet.asOperator });
  t.is(reply.status, 200, reply.text);
  t.true(reply.json.result?.ok ?? reply.json.ok, reply.text);
  const after = await until('a higher restart count', async () => {
    const r = (await deviceStatus())?.services.find((s) => s.name === 'ticker')?.restarts;
    return r !== undefined && r > before ? r : undefined;
  }, 15_000);
  t.true(after > before);
});

/** Reads the operator's ndjson log stream until `enough` says stop; resolves with the lines and the ms to the first. */
function readLogs(path: string, enough: (lines: string[]) => boolean, timeoutMs: number): Promise<{ lines: string[]; firstMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let firstMs = -1;
    const lines: string[] = [];
    let pending = '';
    const req = request({ host: '127.0.0.1', port: fleet.server.port, method: 'GET', path, ca: fleet.fleet.ca.certificatePem, servername: 'localhost', cert: fleet.asOperator.cert, key: fleet.asOperator.key, agent: false, headers: { 'imago-fleet-protocol': '1' } }, (res) => {
      res.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        const parts = pending.split('\n');
        pending = parts.pop()!;
        for (const part of parts) {
          const message = JSON.parse(part);
          if (message.error) return reject(new Error(message.error));
          if (typeof message.line === 'string') {
            if (firstMs < 0) firstMs = Date.now() - started;
            lines.push(message.line);
          }
        }
        if (enough(lines)) {
          req.destroy();
          resolve({ lines, firstMs });
        }
      });
      res.on('end', () => resolve({ lines, firstMs }));
    });
    req.on('error', (error) => (lines.length && enough(lines) ? undefined : reject(error)));
    setTimeout(() => {
      req.destroy();
      reject(new Error(`no logs within ${timeoutMs} ms (${lines.length} lines)\n--- agent\n${agent.output().slice(-2000)}`));
    }, timeoutMs);
    req.end();
  });
}

test.serial('logs -n 5 delivers the last lines of the service within 2 s', async (t) => {
  const { lines, firstMs } = await readLogs(`/v1/devices/${deviceId}/services/ticker/logs?lines=5`, (l) => l.length >= 5, 10_000);
  t.is(lines.length, 5);
  t.true(lines.every((l) => /tick \d+/.test(l)), lines.join('\n'));
  t.true(firstMs < 2000, `first line after ${firstMs} ms\n--- agent\n${agent.output().slice(-1500)}`);
});

test.serial('logs -n 150 of a service whose lines have rotated reads the rotated files: 150 consecutive lines, more than the init keeps in memory', async (t) => {
  await init.waitForLog('chatty', /line 300/);
  const { lines } = await readLogs(`/v1/devices/${deviceId}/services/chatty/logs?lines=150`, (l) => l.length >= 150, 10_000);
  t.is(lines.length, 150);
  t.deepEqual(lines.map((l) => Number(/chatty: line (\d+)$/.exec(l)?.[1])), Array.from({ length: 150 }, (_, i) => 151 + i));
});

test.serial('a followed log delivers new lines within 2 s and the stream stops when the operator leaves', async (t) => {
  const { lines } = await readLogs(`/v1/devices/${deviceId}/services/ticker/logs?lines=1&follow=1`, (l) => l.length >= 6, 4000);
  const numbers = lines.map((l) => Number(/tick (\d+)/.exec(l)?.[1]));
  t.true(numbers.at(-1)! > numbers[0]!, `new lines arrived: ${numbers.join(' ')}`);
  await agent.waitForOutput(/logs-stop|stop stream/, 40_000);
});

test.serial('a restarted agent uses its stored key and certificate: the same device, no second activation', async (t) => {
  const dir = agent.dir;
  await agent.stop();
  agent = await startAgent({ server: { host: '127.0.0.1', port: fleet.server.port, name: 'localhost' }, caPem: fleet.fleet.ca.certificatePem, token: 'unused.token', control: init.socket, pollWaitSeconds: 5, dir, logDir: init.logDir });
  await agent.waitForOutput(new RegExp(`using the stored identity ${deviceId}`), 30_000);
  await agent.waitForOutput(/connected to 127\.0\.0\.1:\d+/, 30_000);
  t.is((await fleet.store.getBatch('host'))?.used, 1, 'the batch counts one activation');
  t.is((await fleet.store.listDevices()).length, 1);
});
