/**
 * The real init's control socket under clients that misbehave: followers that
 * never read, overlong request lines, replies larger than the socket buffer.
 * Serial: each test measures the latency or memory of one init.
 */
import test from 'ava';
import { connect, type Socket } from 'node:net';
import { controlSocketReady } from './control-socket-ready.ts';
import { hostInit, startInit, type RunningInit } from './host-init.ts';

test.before(async (t) => {
  t.timeout(10 * 60_000);
  await hostInit();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withInit(spec: string, body: (init: RunningInit) => Promise<void>, options: Parameters<typeof startInit>[1] = {}): Promise<void> {
  const init = await startInit(spec, options);
  try {
    await controlSocketReady(init);
    await body(init);
  } finally {
    await init.stop();
  }
}

/** A raw connection to the control socket that collects the server's messages. */
class RawClient {
  readonly socket: Socket;
  text = '';
  closed = false;
  private readonly opened: Promise<void>;

  constructor(path: string) {
    this.socket = connect(path);
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => (this.text += chunk));
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('error', () => (this.closed = true));
    this.opened = new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  connected(): Promise<void> {
    return this.opened;
  }

  async send(data: string): Promise<void> {
    await this.opened;
    this.socket.write(data);
  }

  /** The complete messages received so far. */
  messages(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .slice(0, -1)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async waitFor(test: (messages: Record<string, unknown>[]) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + timeoutMs;
    while (!test(this.messages())) {
      if (Date.now() > deadline) throw new Error(`timed out; received: ${this.text.slice(0, 2000)}`);
      await sleep(10);
    }
    return this.messages();
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Asks for status over a fresh connection; resolves with the milliseconds the answer took. */
async function timedStatus(path: string): Promise<number> {
  const client = new RawClient(path);
  try {
    await client.connected();
    const started = performance.now();
    await client.send('{"v":2,"id":7,"command":"status"}\n');
    await client.waitFor((messages) => messages.some((m) => m.id === 7), 5000);
    return performance.now() - started;
  } finally {
    client.close();
  }
}

test.serial('followers that never read leave the init responsive, its memory bounded, and get a count of what they missed', async (t) => {
  t.timeout(2 * 60_000);
  await withInit(
    `logs: { console: false }
services:
  - name: chatty
    command: while true; do seq 1 200 | sed 's/^/chatty line with some padding to make it longer than a short one /'; sleep 0.1; done
  - name: blinker
    command: sleep 0.2; exit 1
    backoff: { initial: 10ms, max: 10ms }
`,
    async (init) => {
      await init.waitForLog('chatty', /chatty line/);
      // A stalled pager: one connection that follows a busy service and the init's own log, and never reads.
      const stalled = new RawClient(init.socket);
      stalled.socket.pause();
      await stalled.send('{"v":2,"id":1,"command":"logs","service":"chatty","lines":0,"follow":true}\n{"v":2,"id":2,"command":"logs","service":"init","lines":0,"follow":true}\n');
      // And one that follows the service only.
      const behind = new RawClient(init.socket);
      behind.socket.pause();
      await behind.send('{"v":2,"id":3,"command":"logs","service":"chatty","lines":0,"follow":true}\n');
      await sleep(2000);
      const early = init.rssKb();
      const latencies: number[] = [];
      for (let i = 0; i < 8; i++) {
        latencies.push(await timedStatus(init.socket));
        await sleep(300);
      }
      const late = init.rssKb();
      t.log(`status took ${latencies.map((ms) => ms.toFixed(1)).join(', ')} ms; RSS ${early} KiB, then ${late} KiB`);
      t.is(init.process.exitCode, null, 'the init is still running');
      // Before the fix status never answered. The median holds the 100 ms goal; a single slow answer
      // may come from other tests sharing the cores, so only the slowest is given a second.
      const sorted = [...latencies].sort((a, b) => a - b);
      const median = (sorted[3]! + sorted[4]!) / 2;
      t.true(median < 100, `status answered within 100 ms (median ${median.toFixed(1)} ms)`);
      t.true(sorted[7]! < 1000, `every status answered within a second (slowest ${sorted[7]!.toFixed(1)} ms)`);
      t.true(late < 48 * 1024, `RSS stays under 48 MiB (${late} KiB)`);
      t.true(late < early + 8 * 1024, `RSS grew by less than 8 MiB (${early} → ${late} KiB)`);
      t.notRegex(init.log('init'), /RangeError|stack overflow|call stack/i, 'no stack overflow reached the init');
      t.notRegex(init.output(), /RangeError|stack overflow|call stack/i, 'nor its console');
      t.regex(init.log('init'), /blinker exited \(exit 1\); restarting in 10 ms[\s\S]*started blinker/, 'the supervisor carries on');
      t.true(init.ctl('status').includes('blinker'), 'imagoctl status answers');

      // The service follower catches up: it is told how many lines it missed, then follows again.
      const dropped = (m: Record<string, unknown>) => /lines dropped/.test(String((m.line as { text?: string } | undefined)?.text));
      behind.socket.resume();
      const messages = await behind.waitFor((all) => all.some(dropped));
      t.regex(String((messages.find(dropped)!.line as { text: string }).text), /^\[imago: \d+ lines dropped: this follower did not keep up\]$/);
      const count = behind.messages().length;
      await behind.waitFor((all) => all.length > count + 10);
      t.false(behind.closed, 'the follower is still connected');
      stalled.close();
      behind.close();
    },
  );
});

test.serial('a logs reply larger than the socket buffer arrives whole', async (t) => {
  await withInit(
    `logs: { console: false }
services:
  - name: wide
    command: awk 'BEGIN { s = sprintf("%4000s", ""); gsub(/ /, "x", s); for (i = 0; i < 200; i++) printf "%03d %s\\n", i, s }'; exec sleep 1000
`,
    async (init) => {
      await init.waitForLog('wide', /^\S+ 199 x+$/);
      const lines = init.ctl('logs', 'wide', '-n', '200').split('\n').filter(Boolean);
      t.is(lines.length, 200, 'all 200 lines');
      t.true(lines.every((line, i) => line.endsWith(` ${String(i).padStart(3, '0')} ${'x'.repeat(4000)}`)), 'each line complete, in order');
      t.regex(lines[199]!, / 199 x+$/);
    },
  );
});

test.serial('an overlong request line is refused with one error, and the next line is its own request', async (t) => {
  await withInit('services: []\n', async (init) => {
    const client = new RawClient(init.socket);
    await client.send(`${' '.repeat(70_000)}{"v":2,"id":1,"command":"status"}\n{"v":2,"id":2,"command":"status"}\n`);
    await client.waitFor((messages) => messages.some((m) => m.id === 2));
    await sleep(300);
    const messages = client.messages();
    client.close();
    t.deepEqual(
      messages.map((m) => (m.ok ? `${m.id} ok` : `${m.id} error ${m.error}`)),
      ['0 error request line longer than 65536 bytes; the rest of it was skipped', '2 ok'],
    );
  });
});

test.serial('connections are capped, and so are followers per connection', async (t) => {
  await withInit('services: []\n', async (init) => {
    // One after another: the listen backlog is shorter than 40.
    const clients: RawClient[] = [];
    for (let i = 0; i < 40; i++) {
      const client = new RawClient(init.socket);
      await client.connected();
      clients.push(client);
      await sleep(10);
    }
    await sleep(500);
    const refused = clients.filter((client) => client.closed);
    t.is(refused.length, 8, '32 connections are kept, the rest closed');
    t.true(refused.every((client) => /too many connections/.test(client.text)), 'each told why');
    const follower = clients.find((client) => !client.closed)!;
    for (let id = 1; id <= 10; id++) await follower.send(`{"v":2,"id":${id},"command":"logs","service":"init","lines":0,"follow":true}\n`);
    const messages = await follower.waitFor((all) => all.filter((m) => 'ok' in m).length === 10);
    t.deepEqual(
      messages.filter((m) => m.ok === false).map((m) => `${m.id} ${m.error}`),
      ['9 too many followers on one connection (at most 8)', '10 too many followers on one connection (at most 8)'],
    );
    clients.forEach((client) => client.close());
    await sleep(200);
    t.regex(init.ctl('status'), /^image host-test/, 'room again once they are gone');
  });
});

test.serial('a connection that sends nothing is closed after the idle timeout; a follower is not', async (t) => {
  await withInit(
    'services: []\n',
    async (init) => {
      const silent = new RawClient(init.socket);
      const follower = new RawClient(init.socket);
      await silent.connected();
      await follower.send('{"v":2,"id":1,"command":"logs","service":"init","lines":0,"follow":true}\n');
      await sleep(1500);
      t.true(silent.closed, 'the silent connection was closed');
      t.false(follower.closed, 'the follower is kept');
      silent.close();
      follower.close();
    },
    { args: ['--control-idle-timeout', '500'] },
  );
});
