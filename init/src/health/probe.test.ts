import test from 'ava';
import { FakeSys } from '../sys/fake.ts';
import { httpStatusOk, runProbe, type ProbeResult } from './probe.ts';
import { ProbeLoop } from './probe-loop.ts';

const noCommands = async (): Promise<ProbeResult> => ({ ok: false, detail: 'no commands here' });

test('HTTP status lines', (t) => {
  t.deepEqual(httpStatusOk('HTTP/1.1 200 OK'), { ok: true });
  t.deepEqual(httpStatusOk('HTTP/1.0 302 Found'), { ok: true });
  t.deepEqual(httpStatusOk('HTTP/1.1 503 Service Unavailable'), { ok: false, detail: 'HTTP status 503' });
  t.deepEqual(httpStatusOk('HTTP/1.1 200 OK', 204), { ok: false, detail: 'HTTP status 200, expected 204' });
  t.false(httpStatusOk('SSH-2.0-OpenSSH').ok);
});

test('a TCP probe succeeds on an open port and fails on a closed one', async (t) => {
  const sys = new FakeSys();
  sys.openPorts.add(1883);
  const open = runProbe(sys, { kind: 'tcp', port: 1883, intervalMs: 100, timeoutMs: 1000 }, noCommands);
  const closed = runProbe(sys, { kind: 'tcp', port: 1884, intervalMs: 100, timeoutMs: 1000 }, noCommands);
  await sys.advance(1);
  t.deepEqual(await open, { ok: true });
  t.deepEqual(await closed, { ok: false, detail: 'port 1884: Connection refused' });
});

test('a Unix socket probe succeeds when something listens at the path and fails at once when nothing does', async (t) => {
  const sys = new FakeSys();
  sys.listeningSockets.add('/run/containerd/containerd.sock');
  const listening = runProbe(sys, { kind: 'unix', socket: '/run/containerd/containerd.sock', intervalMs: 100, timeoutMs: 1000 }, noCommands);
  const missing = runProbe(sys, { kind: 'unix', socket: '/run/other.sock', intervalMs: 100, timeoutMs: 1000 }, noCommands);
  t.deepEqual(await missing, { ok: false, detail: 'no server at /run/other.sock' });
  await sys.advance(1);
  t.deepEqual(await listening, { ok: true });
});

test('a file probe checks existence', async (t) => {
  const sys = new FakeSys();
  sys.files.put('/run/ready', '');
  t.true((await runProbe(sys, { kind: 'file', file: '/run/ready', intervalMs: 1, timeoutMs: 1 }, noCommands)).ok);
  t.false((await runProbe(sys, { kind: 'file', file: '/run/nope', intervalMs: 1, timeoutMs: 1 }, noCommands)).ok);
});

test('the probe loop waits the interval after each attempt and stops cleanly', async (t) => {
  const sys = new FakeSys();
  const attempts: number[] = [];
  const results: boolean[] = [];
  const loop = new ProbeLoop(
    sys,
    async () => {
      attempts.push(sys.now());
      return { ok: attempts.length >= 3 };
    },
    500,
    (result) => results.push(result.ok),
  );
  loop.start();
  await sys.advance(1200);
  t.deepEqual(attempts, [0, 500, 1000]);
  t.deepEqual(results, [false, false, true]);
  loop.stop();
  await sys.advance(5000);
  t.is(attempts.length, 3, 'no attempts after stop');
});
