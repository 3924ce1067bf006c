/**
 * Supervisor benchmark, on the real init binary run on the host (the same code
 * as in the image): RSS with 1, 20 and 100 services; first-restart latency after
 * a crash; CPU used by the idle init with 20 health-checked services.
 *
 *   node --import tsx bench/supervisor.ts [--idle-seconds 60]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { spawnSync } from 'node:child_process';
import { startInit, type RunningInit } from '../init/test/host-init.ts';

const idleSeconds = Number(process.argv[process.argv.indexOf('--idle-seconds') + 1]) || 60;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (text: string) => process.stderr.write(`${text}\n`);

interface Status {
  services: { name: string; state: string; pid?: number; restarts: number; health: string }[];
}
const status = (init: RunningInit): Status => JSON.parse(init.ctl('--json', 'status'));

async function until(init: RunningInit, check: (s: Status) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!check(status(init))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function services(count: number, extra = ''): string {
  let text = 'logs: { console: false }\nservices:\n';
  for (let i = 0; i < count; i++) text += `  - name: s${i}\n    command: [sleep, "100000"]\n${extra}`;
  return text;
}

async function rssWith(count: number): Promise<number> {
  const init = await startInit(services(count));
  try {
    await until(init, (s) => s.services.filter((x) => x.state === 'running').length === count, `${count} services running`);
    await sleep(300);
    return init.rssKb();
  } finally {
    await init.stop();
  }
}

/**
 * Milliseconds from SIGKILL of a service to its replacement running its first
 * command (median of rounds). Each victim ran longer than reset_after, so every
 * kill is the first failure of a streak, which restarts without delay.
 */
async function restartLatency(rounds: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'imago-latency-'));
  const file = join(dir, 'starts');
  const init = await startInit(`logs: { console: false }\nservices:\n  - name: victim\n    command: date +%s%N >> starts; exec sleep 100000\n    workdir: ${dir}\n    backoff: { reset_after: 100ms }\n`);
  const samples: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      await until(init, (s) => s.services[0]!.state === 'running' && s.services[0]!.restarts === round, 'the victim running');
      await sleep(200);
      const pid = status(init).services[0]!.pid!;
      const before = readFileSync(file, 'utf8').trim().split('\n').length;
      const wallKilledNs = BigInt(Date.now()) * 1_000_000n;
      process.kill(pid, 'SIGKILL');
      while (readFileSync(file, 'utf8').trim().split('\n').length === before) await sleep(1);
      const started = BigInt(readFileSync(file, 'utf8').trim().split('\n').at(-1)!);
      samples.push(Number(started - wallKilledNs) / 1e6);
    }
  } finally {
    await init.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** CPU seconds the init used while 20 services with TCP health checks every second ran for `seconds`. */
async function idleCpu(seconds: number): Promise<{ cpu: number; checks: number }> {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const init = await startInit(services(20, `    health: { tcp: ${port}, interval: 1s }\n`));
  try {
    await until(init, (s) => s.services.every((x) => x.health === 'healthy'), 'all services healthy');
    const ticks = () => {
      const fields = readFileSync(`/proc/${init.process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return Number(fields[11]) + Number(fields[12]);
    };
    const start = ticks();
    await sleep(seconds * 1000);
    const hz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    return { cpu: (ticks() - start) / hz, checks: 20 * seconds };
  } finally {
    await init.stop();
    server.close();
  }
}

log('RSS with 1, 20, 100 services...');
const rss = [await rssWith(1), await rssWith(20), await rssWith(100)];
log('first-restart latency...');
const latency = await restartLatency(10);
log(`idle CPU over ${idleSeconds} s with 20 health-checked services...`);
const idle = await idleCpu(idleSeconds);

const rows: [string, string][] = [
  ['init RSS, 1 service', `${(rss[0]! / 1024).toFixed(2)} MiB`],
  ['init RSS, 20 services', `${(rss[1]! / 1024).toFixed(2)} MiB`],
  ['init RSS, 100 services', `${(rss[2]! / 1024).toFixed(2)} MiB`],
  ['first restart after SIGKILL (median of 10)', `${latency.toFixed(1)} ms`],
  [`init CPU, ${idleSeconds} s idle, 20 services, TCP health every 1 s`, `${idle.cpu.toFixed(2)} s (${((idle.cpu / idleSeconds) * 100).toFixed(2)}% of one core, ${idle.checks} checks)`],
];
const width = Math.max(...rows.map(([name]) => name.length));
process.stdout.write(`| ${'supervisor measure'.padEnd(width)} | value |\n|${'-'.repeat(width + 2)}|-------|\n`);
for (const [name, value] of rows) process.stdout.write(`| ${name.padEnd(width)} | ${value} |\n`);
