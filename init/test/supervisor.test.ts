/**
 * The real init binary supervising real processes on the build host: restart
 * backoff, dependency gating on a TCP port, health-check restarts, log rotation
 * by size and age, the control socket and imagoctl, and a 1000-crash loop.
 * Serial: each test measures timing or memory of one init, undisturbed by the others.
 */
import test from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostInit, startInit, type RunningInit } from './host-init.ts';
import { freePort } from '../../qemu-tests/free-port.ts';

test.before(async (t) => {
  t.timeout(10 * 60_000);
  await hostInit();
});

async function withInit(spec: string, body: (init: RunningInit) => Promise<void>): Promise<void> {
  const init = await startInit(spec);
  try {
    await body(init);
  } finally {
    await init.stop();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test.serial('a crashing service is restarted with the configured backoff', async (t) => {
  await withInit(
    `services:
  - name: crasher
    command: echo run; exit 3
    backoff: { initial: 50ms, max: 200ms, reset_after: 10s }
`,
    async (init) => {
      const delays = () => [...init.log('init').matchAll(/crasher exited \(exit 3\); restarting in (\d+) ms/g)].map((m) => Number(m[1]));
      while (delays().length < 5) await sleep(50);
      t.deepEqual(delays().slice(0, 5), [0, 50, 100, 200, 200], 'immediate first restart, then doubling from initial up to max');
      t.true(init.log('crasher').split('\n').filter((l) => l.endsWith(' run')).length >= 4);
    },
  );
});

test.serial('a dependant waits until its dependency accepts TCP connections', async (t) => {
  const port = await freePort();
  await withInit(
    `services:
  - name: server
    command: [node, -e, "setTimeout(() => require('net').createServer(s => s.end()).listen(${port}, '127.0.0.1', () => console.log('listening')), 700)"]
    ready: { tcp: ${port}, interval: 50ms }
  - name: client
    depends_on: [server]
    command: echo "client sees port open"; exec sleep 100
`,
    async (init) => {
      await init.waitForLog('client', /client sees port open/);
      const log = init.log('init');
      const ready = log.indexOf('server ready after');
      const started = log.indexOf('started client');
      t.true(ready > 0, 'the server became ready');
      t.true(started > ready, 'the client started only after the server was ready');
      t.regex(log, /server ready after (\d{3,4}) ms/);
    },
  );
});

test.serial('a unix ready probe waits until the socket accepts, not just until its file exists', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'imago-unix-'));
  const socket = join(work, 'api.sock');
  // Bound first, listening 700 ms later: meanwhile the file is there and a connect is refused,
  // as with a socket an earlier run of a daemon left behind.
  const server = ['import socket, time', 's = socket.socket(socket.AF_UNIX)', `s.bind('${socket}')`, "print('bound', flush=True)", 'time.sleep(0.7)', 's.listen()', 'while True: s.accept()[0].close()'].join('\\n');
  try {
    await withInit(
      `services:
  - name: server
    command: [/usr/bin/python3, -c, "${server}"]
    ready: { unix: ${socket}, interval: 50ms }
  - name: client
    depends_on: [server]
    command: echo "client up"; exec sleep 100
`,
      async (init) => {
        await init.waitForLog('client', /client up/);
        t.regex(init.log('server'), /bound/);
        const readyMs = Number(/server ready after (\d+) ms/.exec(init.log('init'))?.[1]);
        t.true(readyMs >= 700, `ready only once it listened: after ${readyMs} ms`);
        t.true(init.log('init').indexOf('server ready after') < init.log('init').indexOf('started client'), 'the client started after');
      },
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test.serial('a failing health check restarts the service and its healthy dependant follows', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'imago-health-'));
  await withInit(
    `services:
  - name: api
    workdir: ${work}
    command: touch healthy; echo "api up"; exec sleep 1000
    health: { command: test -f ${work}/healthy, interval: 100ms, retries: 2 }
  - name: worker
    depends_on: { api: healthy }
    command: echo "worker up"; exec sleep 1000
`,
    async (init) => {
      await init.waitForLog('worker', /worker up/);
      unlinkSync(join(work, 'healthy'));
      await init.waitForLog('init', /api unhealthy after 2 failed checks/);
      await init.waitForLog('init', /worker stopping: dependency api is down/);
      await sleep(300);
      const apiStarts = init.log('api').split('\n').filter((l) => l.includes('api up')).length;
      t.is(apiStarts, 2, 'api was restarted once');
      await init.waitForLog('init', /api healthy/);
      await init.waitForLog('worker', /worker up[\s\S]*/);
      await sleep(500);
      t.is(init.log('worker').split('\n').filter((l) => l.includes('worker up')).length, 2, 'worker came back once api was healthy again');
      const status = JSON.parse(init.ctl('--json', 'status'));
      t.is(status.services.find((s: { name: string }) => s.name === 'api').health, 'healthy');
    },
  );
});

test.serial('a ready probe stops once the service is ready', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'imago-ready-'));
  const runs = join(work, 'probe-runs');
  const count = () => (existsSync(runs) ? readFileSync(runs, 'utf8').split('\n').filter(Boolean).length : 0);
  await withInit(
    `services:
  - name: slow
    workdir: ${work}
    command: sleep 0.5; touch ready; echo "slow up"; exec sleep 1000
    ready: { command: echo run >> ${runs}; test -f ${work}/ready, interval: 100ms }
`,
    async (init) => {
      await init.waitForLog('init', /slow ready after/);
      const atReady = count();
      t.true(atReady >= 2, `the probe ran until the service was ready (${atReady} runs)`);
      await sleep(3000);
      t.is(count(), atReady, 'no probe ran after ready');
    },
  );
});

test.serial('logs rotate by size, keeping N files', async (t) => {
  await withInit(
    `logs: { max_size: 2K, keep: 2, console: false }
services:
  - name: chatty
    command: i=0; while [ $i -lt 200 ]; do echo "line $i of output padding padding"; i=$((i+1)); done; exec sleep 100
`,
    async (init) => {
      await init.waitForLog('chatty', /line 199 of output/);
      const base = join(init.logDir, 'chatty.log');
      t.true(existsSync(`${base}.1`));
      t.true(existsSync(`${base}.2`));
      t.false(existsSync(`${base}.3`), 'only two rotated files are kept');
      for (const file of [base, `${base}.1`, `${base}.2`]) t.true(statSync(file).size <= 2048, `${file} is at most 2K`);
    },
  );
});

test.serial('logs rotate by age', async (t) => {
  await withInit(
    `logs: { max_age: 400ms, keep: 5, console: false }
services:
  - name: ticker
    command: while true; do echo tick; sleep 0.15; done
`,
    async (init) => {
      await sleep(1500);
      const base = join(init.logDir, 'ticker.log');
      t.true(existsSync(`${base}.1`), 'rotated after max_age');
      t.true(existsSync(`${base}.2`), 'and again');
      t.true(init.log('ticker').split('\n').filter(Boolean).length <= 4, 'the current file holds at most max_age worth of lines');
    },
  );
});

test.serial('imagoctl: status, logs, stop, start and restart over the control socket', async (t) => {
  await withInit(
    `services:
  - name: web
    command: echo "web says hi"; exec sleep 1000
  - name: helper
    command: exec sleep 1000
`,
    async (init) => {
      await init.waitForLog('web', /web says hi/);
      const table = init.ctl('status');
      t.regex(table, /^image host-test on host-test, up/);
      t.regex(table, /SERVICE\s+STATE\s+HEALTH\s+PID\s+RESTARTS\s+UPTIME\s+LAST/);
      t.regex(table, /\nweb\s+running\s+-\s+\d+\s+0\s+/);
      t.regex(init.ctl('logs', 'web', '-n', '1'), /Z web says hi\n$/);

      t.is(init.ctl('stop', 'web'), 'web: stop done\n');
      t.is(JSON.parse(init.ctl('--json', 'status')).services.find((s: { name: string }) => s.name === 'web').state, 'stopped');
      init.ctl('start', 'web');
      await sleep(200);
      t.is(JSON.parse(init.ctl('--json', 'status')).services.find((s: { name: string }) => s.name === 'web').state, 'running');
      init.ctl('restart', 'helper');
      await init.waitForLog('init', /helper stopped \(signal 15\); starting again/);
      t.throws(() => init.ctl('stop', 'nope'), { message: /unknown service "nope"/ });
    },
  );
});

test.serial('imagoctl logs -f follows a service live', async (t) => {
  await withInit(
    `services:
  - name: counter
    command: i=0; while true; do echo "count $i"; i=$((i+1)); sleep 0.1; done
`,
    async (init) => {
      await init.waitForLog('counter', /count 2/);
      const follower = spawn(join(await hostInit(), '..', 'imagoctl'), ['--socket', init.socket, 'logs', 'counter', '-f', '-n', '1']);
      let seen = '';
      follower.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
      const deadline = Date.now() + 10_000;
      while ((seen.match(/count/g) ?? []).length < 5 && Date.now() < deadline) await sleep(50);
      follower.kill();
      const counts = [...seen.matchAll(/count (\d+)/g)].map((m) => Number(m[1]));
      t.true(counts.length >= 4, `followed ${counts.length} lines: ${seen}`);
      t.deepEqual(counts, [...counts].sort((a, b) => a - b), 'in order');
      t.deepEqual(counts, counts.map((_, i) => counts[0]! + i), 'without gaps');
    },
  );
});

test.serial('7000 crashes in a row: the init stays up, its memory stays flat after the first 5000, the backoff is as configured', async (t) => {
  t.timeout(5 * 60_000);
  await withInit(
    `logs: { console: false }
services:
  - name: crashloop
    command: [/bin/false]
    backoff: { initial: 1ms, max: 2ms }
`,
    async (init) => {
      const restarts = () => JSON.parse(init.ctl('--json', 'status')).services[0].restarts as number;
      // The heap warms up over thousands of restarts (measured on x86_64:
      // 3012 KiB at 1000, 3244 at 3000 (+320 KiB under a load average of 8),
      // 3376 at 5000, 3436 at 7000, 3460 at 9000), so leaks are looked for
      // after 5000: one of 300 bytes per restart would add 600 KiB (17%) by 7000.
      const rssAt = async (count: number) => {
        while (restarts() < count) await sleep(50);
        return init.rssKb();
      };
      const early = await rssAt(5000);
      const late = await rssAt(7000);
      t.true(init.process.exitCode === null, 'the init is still running');
      t.true(late < early * 1.1, `RSS grew from ${early} KiB after 5000 restarts to ${late} KiB after 7000`);
      const delays = [...init.log('init').matchAll(/crashloop exited \(exit 1\); restarting in (\d+) ms/g)].map((m) => Number(m[1]));
      t.deepEqual(delays.slice(0, 3), [0, 1, 2], 'immediate, then initial, then the cap');
      t.true(delays.length >= 7000 && delays.slice(2).every((d) => d === 2), `every later delay is the 2 ms cap (${delays.length} restarts logged)`);
      t.log(`RSS after 5000 restarts: ${early} KiB; after 7000: ${late} KiB`);
    },
  );
});

test.serial('a stop signal that is ignored leads to a kill after the stop timeout', async (t) => {
  await withInit(
    `services:
  - name: stubborn
    command: trap '' TERM; echo ready; while true; do sleep 0.05; done
    stop_timeout: 300ms
`,
    async (init) => {
      await init.waitForLog('stubborn', /ready/);
      const started = Date.now();
      init.ctl('stop', 'stubborn');
      const took = Date.now() - started;
      t.true(took >= 280, `stop took ${took} ms`);
      await init.waitForLog('init', /stubborn did not stop within 300 ms: killing it/);
      await init.waitForLog('init', /stubborn stopped \(signal 9\)/);
    },
  );
});

test.serial('a oneshot gates its dependants until it has finished', async (t) => {
  await withInit(
    `services:
  - name: migrate
    type: oneshot
    command: sleep 0.3; echo migrated > /tmp/imago-oneshot-$PPID
  - name: app
    depends_on: [migrate]
    command: cat /tmp/imago-oneshot-$PPID; rm -f /tmp/imago-oneshot-$PPID; exec sleep 100
`,
    async (init) => {
      await init.waitForLog('app', /migrated/);
      t.regex(init.log('init'), /migrate finished \(exit 0\)/);
    },
  );
});

test.serial('privileges, umask and the stop signal are applied as configured', async (t) => {
  await withInit(
    `services:
  - name: dropped
    user: nobody
    group: daemon
    umask: "0077"
    stop_signal: INT
    command: trap 'echo "got INT"; exit 0' INT; echo "ids $(id -u) $(id -g) groups=$(id -G) umask=$(umask)"; while true; do sleep 0.05; done
`,
    async (init) => {
      const line = await init.waitForLog('dropped', /ids /);
      t.regex(line, /ids 65534 1 groups=1 umask=0077$/, 'uid nobody, gid daemon, no supplementary groups left from root');
      init.ctl('stop', 'dropped');
      await init.waitForLog('dropped', /got INT/);
      t.regex(init.log('init'), /dropped stopped \(exit 0\)/);
    },
  );
});

test.serial('a service over its restart limit is failed, and with on_failed: reboot the system goes down', async (t) => {
  const init = await startInit(`services:
  - name: doomed
    command: exit 1
    restart_limit: 3
    on_failed: reboot
    backoff: { initial: 10ms }
  - name: bystander
    command: exec sleep 1000
`);
  const code = await new Promise<number | null>((resolve) => init.process.on('exit', resolve));
  t.is(code, 0, 'the supervisor stopped everything and ended, as a reboot would');
  const log = init.log('init');
  t.regex(log, /doomed failed: exited \(exit 1\); gave up after 3 quick restarts/);
  t.regex(log, /doomed failed and asks for a reboot/);
  t.regex(log, /bystander stopped \(signal 15\)/);
  t.is([...log.matchAll(/started doomed/g)].length, 4, 'the first run and three restarts');
});

test.serial('a log flood onto a full disk neither blocks nor kills the init; dropped lines are counted', async (t) => {
  // A 32 KiB tmpfs stands in for a full data partition (needs root, like the rest of make test).
  let logDir = '';
  const init = await startInit(
    `logs: { console: false, max_size: 1M }
services:
  - name: flood
    command: yes "flood line with some text to fill the disk" | head -c 3000000; echo "flood done"; exec sleep 1000
  - name: calm
    command: exec sleep 1000
`,
    {
      beforeStart: (dir) => {
        logDir = dir;
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32k', 'imago-test', dir]);
      },
    },
  );
  try {
    const deadline = Date.now() + 30_000;
    let dropped = 0;
    while (Date.now() < deadline) {
      const status = JSON.parse(init.ctl('--json', 'status'));
      dropped = status.dropped.flood?.file ?? 0;
      if (dropped > 10_000) break;
      await sleep(100);
    }
    t.true(dropped > 10_000, `dropped ${dropped} lines`);
    t.is(init.process.exitCode, null, 'the init is still running');
    const lines = init.ctl('logs', 'flood', '-n', '3');
    t.regex(lines, /flood line with some text/, 'the in-memory ring still has the latest lines');
    t.regex(init.ctl('status'), /dropped log lines: .*flood: \d+ to file/);
    // Let Node read what the init already wrote to its stdout pipe.
    for (let i = 0; i < 50 && !/log lines could not be written/.test(init.output()); i++) await sleep(100);
    t.regex(init.output(), /init: warning: \d+ log lines could not be written \(disk full or unwritable\): .*flood \d+/, 'the loss is reported on the console');
  } finally {
    await init.stop();
    execFileSync('umount', [logDir]);
  }
});
