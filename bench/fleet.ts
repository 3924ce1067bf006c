/**
 * `make bench`: the fleet server under simulated devices, and the agent on a
 * device. Devices are Node clients with their own keys and certificates on
 * loopback (bench/fleet/simulated-device.ts), talking to real `imago fleet
 * serve` processes: one on SQLite, then two sharing one PostgreSQL (each
 * device polls one server; every command is queued through the other, so it
 * travels by LISTEN/NOTIFY). Prints one table for the server and one for the
 * agent.
 *
 *   node --import tsx bench/fleet.ts [--devices 1000] [--window 30] [--commands 200] [--skip-agent]
 *
 * Server rows: activations per second (50 at a time); heartbeats (a poll the
 * server answers at once, every device every 10 s for --window s) p50/p99 and
 * server CPU during them; then every device holds a long poll and the
 * operator API restarts a service on --commands devices (10 at a time):
 * delivery = from the operator's request to the device holding the command,
 * round trip = until the operator has the device's result. Memory is the
 * servers' resident size while all devices hold polls, and the peak.
 */
import { readFileSync } from 'node:fs';
import { readProfile } from '../fleet/src/cli/profile.ts';
import { startCliFleet, type CliFleet } from '../fleet/test/cli-fleet.ts';
import { startPostgres } from '../fleet/test/postgres-cluster.ts';
import { markdownTable } from '../qemu-tests/matrix-rows.ts';
import { agentFigures } from './fleet/agent-figures.ts';
import { ms, percentile } from './fleet/percentiles.ts';
import { processUsage } from './fleet/process-usage.ts';
import { send, SimulatedDevice } from './fleet/simulated-device.ts';

const argument = (name: string) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : undefined);
const deviceCount = argument('--devices') ?? 1000;
const windowSeconds = argument('--window') ?? 30;
const commandCount = Math.min(argument('--commands') ?? 200, deviceCount);
const heartbeatEveryMs = 10_000;
const holdSeconds = 25;
const log = (text: string) => process.stderr.write(`bench fleet: ${text}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `task` on every item, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index]!, index);
    }
  }));
}

function serverUsage(fleet: CliFleet) {
  return fleet.servers.map((server) => processUsage(server.pid!));
}

async function measureBackend(label: string, fleet: CliFleet): Promise<string[]> {
  const ca = readFileSync(fleet.caFile, 'utf8');
  const operator = await readProfile(fleet.profile);
  const asOperator = { cert: operator.certificate, key: operator.key };
  const token = readFileSync(await fleet.batch('bench', deviceCount), 'utf8').trim();
  const devices = Array.from({ length: deviceCount }, (_, i) => new SimulatedDevice(fleet.ports[i % fleet.ports.length]!, ca));

  log(`${label}: making ${deviceCount} keys and CSRs`);
  await eachLimited(devices, 20, (d) => d.prepare());
  log(`${label}: activating`);
  let started = performance.now();
  await eachLimited(devices, 50, (d) => d.activate(token));
  const activationsPerSecond = deviceCount / ((performance.now() - started) / 1000);

  log(`${label}: heartbeats for ${windowSeconds} s`);
  const heartbeats: number[] = [];
  const cpuBefore = serverUsage(fleet);
  started = performance.now();
  const end = started + windowSeconds * 1000;
  await Promise.all(devices.map(async (device, i) => {
    // Spread over the interval, as devices booted at different times would be.
    for (let at = started + (i / deviceCount) * heartbeatEveryMs; at < end; at += heartbeatEveryMs) {
      await sleep(Math.max(0, at - performance.now()));
      const sent = performance.now();
      await device.poll(0);
      heartbeats.push(performance.now() - sent);
    }
  }));
  const heartbeatCpu = serverUsage(fleet).reduce((sum, u, i) => sum + u.cpuSeconds - cpuBefore[i]!.cpuSeconds, 0) / ((performance.now() - started) / 1000);

  log(`${label}: every device holds a poll; ${commandCount} commands`);
  let holding = true;
  let failedPolls = 0;
  const delivered = new Map<string, number>();
  const loops = devices.map(async (device) => {
    let results: { id: string; ok: boolean; message: string }[] = [];
    while (holding) {
      try {
        const commands = await device.poll(results.length > 0 ? 0 : holdSeconds, results);
        const at = performance.now();
        results = commands.map((command) => {
          delivered.set(command.id, at);
          return { id: command.id, ok: true, message: 'restart done' };
        });
      } catch (error) {
        if (!holding) return;
        failedPolls++;
        log(`${label}: a held poll failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  });
  await sleep(5000);
  const holdingUsage = serverUsage(fleet);
  const deliveries: number[] = [];
  const roundTrips: number[] = [];
  const step = Math.floor(deviceCount / commandCount);
  await eachLimited(Array.from({ length: commandCount }, (_, k) => k * step), 10, async (index) => {
    const device = devices[index]!;
    // Through the server the device does not poll, when there are two.
    const port = fleet.ports[(index + 1) % fleet.ports.length]!;
    const sent = performance.now();
    const reply = await send(port, ca, 'POST', `/v1/devices/${device.id}/services/ticker/restart`, undefined, asOperator);
    if (reply.status !== 200 || !reply.json?.result?.ok) throw new Error(`restart on ${device.id}: HTTP ${reply.status} ${reply.text}`);
    roundTrips.push(performance.now() - sent);
    deliveries.push(delivered.get(reply.json.command.id)! - sent);
  });
  const peak = serverUsage(fleet);
  holding = false;
  if (failedPolls > 0) throw new Error(`${label}: ${failedPolls} held polls failed`);
  // The held polls end within their hold; the servers' close ends them sooner.
  void Promise.allSettled(loops);
  const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
  return [
    label,
    String(deviceCount),
    `${activationsPerSecond.toFixed(0)}/s`,
    ms(percentile(heartbeats, 50)),
    ms(percentile(heartbeats, 99)),
    `${(heartbeatCpu * 100).toFixed(0)}% (${((heartbeats.length / windowSeconds)).toFixed(0)}/s)`,
    ms(percentile(deliveries, 50)),
    ms(percentile(deliveries, 99)),
    ms(percentile(roundTrips, 99)),
    holdingUsage.map((u) => mib(u.rssKiB)).join(' + '),
    peak.map((u) => mib(u.peakKiB)).join(' + '),
  ];
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  const sqlite = await startCliFleet();
  try {
    rows.push(await measureBackend('SQLite, 1 server', sqlite));
  } finally {
    await sqlite.close();
  }
  const cluster = await startPostgres();
  try {
    const postgres = await startCliFleet({ postgres: cluster.connection, servers: 2 });
    try {
      rows.push(await measureBackend('PostgreSQL, 2 servers', postgres));
    } finally {
      await postgres.close();
    }
  } finally {
    await cluster.stop();
  }
  process.stdout.write(`\nFleet server, ${deviceCount} simulated devices on loopback (one TLS connection per request, as the agent):\n\n`);
  process.stdout.write(
    markdownTable(['backend', 'devices', 'activations', 'heartbeat p50', 'heartbeat p99', 'server CPU (heartbeats)', 'command p50', 'command p99', 'result p99', 'RSS, all holding', 'peak RSS'], rows),
  );
  if (!process.argv.includes('--skip-agent')) process.stdout.write(await agentFigures(log));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench fleet: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
