import test from 'ava';
import type { CommandResult, LogBatch } from '../../../contract/index.ts';
import { CommandRunner, type Installer } from './commands.ts';
import { pollLoop } from './poll-loop.ts';
import type { DeviceStatus } from '../../../contract/index.ts';
import { fakeDeps, ManualTimers, RecordingControl, response, ScriptedServer } from './test-fakes.ts';
import { TransportError } from './transport.ts';

const identity = { cert: 'C', key: 'K' };

function setup(server = new ScriptedServer([], response(200)), installer?: Partial<Installer>) {
  const { deps, files, logs, sleeps } = fakeDeps();
  const control = new RecordingControl();
  const timers = new ManualTimers();
  const runner = new CommandRunner({
    deps,
    control,
    transport: server,
    identity,
    timers,
    stateDir: '/data/fleet',
    logDir: '/var/log',
    installer: { download: async () => {}, install: async () => 'armed', ...installer },
  });
  return { deps, files, logs, sleeps, control, timers, runner, server };
}

const status: DeviceStatus = { image: 'img', version: '1', arch: 'x86_64', hostname: 'h', uptime: 5, time: 1, addresses: [], services: [] };

test('restart runs through the control socket and reports ok with the service', async (t) => {
  const { runner, control } = setup();
  await runner.run({ id: 'c1', kind: 'restart', service: 'web' });
  t.deepEqual(control.requests, [{ command: 'restart', service: 'web' }]);
  t.deepEqual(runner.takeResults(), [{ id: 'c1', ok: true, message: 'web: restart done' }]);
});

test("a refused stop reports the init's reason", async (t) => {
  const { runner, control } = setup();
  control.refuse = 'no service "nope"';
  await runner.run({ id: 'c2', kind: 'stop', service: 'nope' });
  t.deepEqual(runner.takeResults(), [{ id: 'c2', ok: false, message: 'no service "nope"' }]);
});

test('reboot reports its result first and reboots only once the server has it', async (t) => {
  const { runner, control } = setup();
  await runner.run({ id: 'r', kind: 'reboot' });
  t.deepEqual(control.requests, []);
  t.deepEqual(runner.takeResults(), [{ id: 'r', ok: true, message: 'rebooting' }]);
  await runner.delivered();
  t.deepEqual(control.requests, [{ command: 'reboot' }]);
});

test('logs -n 2: the lines go to /v1/device/logs in one batch with end set', async (t) => {
  const { runner, control, timers, server } = setup();
  const running = runner.run({ id: 'l', kind: 'logs', service: 'web', lines: 2, follow: false, stream: 's1' });
  control.follows[0]!.onLines([{ time: 0, source: 'web', text: 'one' }, { time: 0, source: 'web', text: 'two' }]);
  control.follows[0]!.onEnd();
  await running;
  await timers.advance(300);
  const batches = server.bodies('/v1/device/logs') as LogBatch[];
  t.is(batches.length, 1);
  t.deepEqual(batches[0]!.lines, ['1970-01-01T00:00:00.000Z web: one', '1970-01-01T00:00:00.000Z web: two']);
  t.is(batches[0]!.end, true);
  t.deepEqual(runner.takeResults(), [{ id: 'l', ok: true, message: '2 lines of web' }]);
});

test('logs -n with log files: the history comes from the current and rotated files, and a followed line they already had is not sent again', async (t) => {
  const { runner, control, timers, server, files } = setup();
  const at = (s: number) => `2026-11-28T20:00:0${s}.000Z`;
  files.writeText('/var/log/web.log.1', `${at(1)} one\n${at(2)} two\n`);
  files.writeText('/var/log/web.log', `${at(3)} three\n`);
  const running = runner.run({ id: 'h', kind: 'logs', service: 'web', lines: 3, follow: true, stream: 's5' });
  const follow = control.follows[0]!;
  t.is(follow.lines, 0, 'the init is asked only for what comes next');
  follow.onLines([]);
  await running;
  // The init followed from before the files were read: "three" may come again, and is dropped.
  follow.onLines([{ time: Date.parse(at(3)), source: 'web', text: 'three' }, { time: Date.parse(at(4)), source: 'web', text: 'four' }]);
  await timers.advance(300);
  const lines = (server.bodies('/v1/device/logs') as LogBatch[]).flatMap((b) => b.lines);
  t.deepEqual(lines, [`${at(1)} web: one`, `${at(2)} web: two`, `${at(3)} web: three`, `${at(4)} web: four`]);
});

test('a followed stream batches at 200 lines or 250 ms and stops with its follow when the server answers 410', async (t) => {
  const server = new ScriptedServer([response(200), response(200), response(410)], response(200));
  const { runner, control, timers } = setup(server);
  const running = runner.run({ id: 'f', kind: 'logs', service: 'web', lines: 0, follow: true, stream: 's2' });
  const follow = control.follows[0]!;
  follow.onLines([]);
  await running;
  follow.onLines(Array.from({ length: 250 }, (_, i) => ({ time: 0, source: 'web', text: `l${i}` })));
  await timers.advance(0);
  t.is((server.bodies('/v1/device/logs') as LogBatch[])[0]!.lines.length, 200, 'a full batch goes at once');
  await timers.advance(250);
  t.is((server.bodies('/v1/device/logs') as LogBatch[])[1]!.lines.length, 50, 'the rest within 250 ms');
  follow.onLines([{ time: 0, source: 'web', text: 'late' }]);
  await timers.advance(250);
  t.is(server.bodies('/v1/device/logs').length, 3);
  t.true(follow.stopped, '410: the follow on the control socket is closed');
  t.is(runner.openStreams(), 0);
});

test('logs-stop ends a followed stream and closes its follow', async (t) => {
  const { runner, control } = setup();
  const running = runner.run({ id: 'f', kind: 'logs', service: 'web', lines: 0, follow: true, stream: 's3' });
  control.follows[0]!.onLines([]);
  await running;
  await runner.run({ id: 'x', kind: 'logs-stop', stream: 's3' });
  t.true(control.follows[0]!.stopped);
  t.deepEqual(runner.takeResults().map((r) => r.message), ['following web', 'stream s3 stopped']);
});

test('a full queue drops lines and the next batch says how many', async (t) => {
  let release = () => {};
  const server = new ScriptedServer([() => response(200)]);
  const slow = { request: (...args: Parameters<ScriptedServer['request']>) => new Promise<Awaited<ReturnType<ScriptedServer['request']>>>((resolve) => (release = () => resolve(server.request(...args)))) };
  const { deps } = fakeDeps();
  const control = new RecordingControl();
  const timers = new ManualTimers();
  const runner = new CommandRunner({ deps, control, transport: slow, identity, timers, stateDir: '/s', logDir: '/var/log', installer: { download: async () => {}, install: async () => '' } });
  const running = runner.run({ id: 'f', kind: 'logs', service: 'web', lines: 0, follow: true, stream: 's4' });
  control.follows[0]!.onLines([]);
  await running;
  control.follows[0]!.onLines(Array.from({ length: 200 }, () => ({ time: 0, source: 'w', text: 'x' })));
  control.follows[0]!.onLines(Array.from({ length: 5100 }, () => ({ time: 0, source: 'w', text: 'y' })));
  release();
  await timers.advance(0);
  await timers.advance(0);
  release();
  await timers.advance(0);
  const batches = server.bodies('/v1/device/logs') as LogBatch[];
  t.is(batches[0]!.dropped, 0);
  t.is(batches[1]!.dropped, 100, 'with the first 200 in flight the queue holds 5000 of the next 5100');
});

test('update: downloads, records the pending update, installs; a failed install reports the reason and clears the record', async (t) => {
  const calls: string[] = [];
  const ok = setup(undefined, { download: async (sha, size, file) => void calls.push(`download ${sha.slice(0, 4)} ${size} ${file}`), install: async (file) => (calls.push(`install ${file}`), 'armed') });
  const sha = 'ab'.repeat(32);
  await ok.runner.run({ id: 'u', kind: 'update', sha256: sha, size: 10, version: '2' });
  t.deepEqual(calls, [`download abab 10 /data/fleet/bundle-abababababababab.imago`, 'install /data/fleet/bundle-abababababababab.imago']);
  t.like(JSON.parse(ok.files.readText('/data/fleet/pending-update.json')!), { id: 'u', version: '2' });
  t.is(ok.files.data.get('/data/fleet/pending-update.json')!.mode, 0o600);
  t.deepEqual(ok.runner.takeResults(), [], 'no result before the reboot tells the outcome');

  const bad = setup(undefined, { install: async () => Promise.reject(new Error('imagoctl update failed (exit 1): bundle signature does not verify')) });
  await bad.runner.run({ id: 'u2', kind: 'update', sha256: sha, size: 10, version: '2' });
  t.false(bad.files.exists('/data/fleet/pending-update.json'));
  t.deepEqual(bad.runner.takeResults(), [{ id: 'u2', ok: false, message: 'imagoctl update failed (exit 1): bundle signature does not verify' }]);
});

test('poll loop: reports status, runs the commands it gets and hands their results to the next poll', async (t) => {
  const server = new ScriptedServer([
    response(200, JSON.stringify({ commands: [{ id: 'c1', kind: 'restart', service: 'web' }], next: 0 })),
    response(200, JSON.stringify({ commands: [], next: 0 })),
  ]);
  const { runner, deps, control, logs } = setup(server);
  await pollLoop({ deps, transport: server, identity, runner, status: async () => status, waitSeconds: 50, serverName: '127.0.0.1:8443', maxPolls: 2 });
  const polls = server.bodies('/v1/device/poll') as { results: CommandResult[]; wait: number; status: DeviceStatus }[];
  t.deepEqual(control.requests, [{ command: 'restart', service: 'web' }]);
  t.is(polls[0]!.wait, 50);
  t.deepEqual(polls[1]!.results, [{ id: 'c1', ok: true, message: 'web: restart done' }]);
  t.is(polls[1]!.wait, 0, 'with results to hand in, the server should answer at once');
  t.is(server.requests[0]!.options.timeoutMs, 80_000, "the read timeout exceeds the server's hold");
  t.true(logs.includes('connected to 127.0.0.1:8443'));
});

test('poll loop: while an update outcome is still to come, polls are held 3 s at most, so the outcome reaches the server within moments', async (t) => {
  const waits = async (pending: boolean) => {
    const server = new ScriptedServer([response(200, JSON.stringify({ commands: [], next: 0 })), response(200, JSON.stringify({ commands: [], next: 0 }))]);
    const { runner, deps } = setup(server);
    await pollLoop({ deps, transport: server, identity, runner, status: async () => status, waitSeconds: 25, serverName: 's', maxPolls: 2, outcomePending: () => pending });
    return (server.bodies('/v1/device/poll') as { wait: number }[]).map((p) => p.wait);
  };
  t.deepEqual(await waits(true), [3, 3]);
  t.deepEqual(await waits(false), [25, 25]);
});

test('poll loop: network errors back off doubling, keep unsent results, and a 403 waits an hour', async (t) => {
  const server = new ScriptedServer([new TransportError('cannot connect to 127.0.0.1:8443: Connection refused'), response(503), response(403, '{"error":"device revoked"}')]);
  const { runner, deps, logs, sleeps } = setup(server);
  runner.report({ id: 'x', ok: true });
  await pollLoop({ deps, transport: server, identity, runner, status: async () => status, waitSeconds: 30, serverName: 's', maxPolls: 3 });
  t.deepEqual(sleeps, [1000, 2000, 3_600_000]);
  t.true(logs.some((l) => l.includes('HTTP 403: device revoked') && l.includes('asking again in an hour')));
  t.deepEqual(runner.takeResults(), [{ id: 'x', ok: true }], 'results stay queued until a poll succeeds');
  t.true((server.bodies('/v1/device/poll') as { results: unknown[] }[]).every((p) => p.results.length === 1));
});

test('a result with a delivery hook runs it only after a poll carrying it succeeded', async (t) => {
  const { runner } = setup();
  let removed = 0;
  runner.report({ id: 'u', ok: true, outcome: 'committed' }, () => removed++);
  runner.restore(runner.takeResults());
  await runner.delivered();
  t.is(removed, 0, 'the poll failed: the hook waits');
  t.is(runner.takeResults().length, 1);
  await runner.delivered();
  t.is(removed, 1);
});
