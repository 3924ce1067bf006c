/**
 * The fleet end to end, every part real: `imago fleet serve` on the host, the
 * guests' agents reaching it at 10.0.2.2 over mutual TLS (mbed TLS in the
 * guest), and the operator using the `imago fleet` CLI.
 *
 * x86_64: two devices booted from the same raw disk and the same batch token
 * activate with different ids and certificates; `fleet logs -f` shows a line
 * under 2 s after the guest wrote it; a remote restart raises the restart
 * count; a remote update v1 -> v2 (uploaded in the console) reports committed
 * and a v3 whose critical service never gets healthy (sent by `imago fleet
 * update`) reports rolled back.
 *
 * The web console is checked first, in Debian's headless Chromium against the
 * same server and both devices (qemu-tests/fleet-console.ts): sign-in, both
 * listed, a followed log, a restart, refused actions, a real reboot of the
 * first device seen going away and coming back, batches, audit, axe-core on
 * every page, the update to v2, and the second device revoked from its page.
 *
 * mips (big-endian): a device activates and its logs are followed, so mbed TLS
 * and the agent are proven on a big-endian CPU.
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import test from 'ava';
import { build } from '../builder/src/build/build.ts';
import { buildOptions } from '../builder/src/build/options.ts';
import { terminalProgress } from '../builder/src/cli/progress.ts';
import { bootDisk, type Vm } from '../builder/src/qemu/index.ts';
import { checkConsole } from './fleet-console.ts';
import { fleetSection, startQemuFleet, timeSection, type QemuFleet } from './fleet-helpers.ts';
import { TCG_TIMEOUTS, withImage } from './harness.ts';
import { startSntpResponder } from './sntp-responder.ts';
import { freshDisk, makeBundle } from './update-helpers.ts';

const scenarioDir = join('qemu-tests', 'fleet');
const outRoot = join('out', 'qemu-tests', 'fleet');
const echo = process.env.IMAGO_QEMU_ECHO ? (l: { text: string }) => process.stderr.write(`${l.text}\n`) : undefined;

/** Builds the scenario with `edit` applied and the fleet sections appended; returns the image folder. */
async function buildDevice(name: string, arch: string, sections: string, edit: (text: string) => string = (s) => s, formats?: ('raw' | 'initrd')[]): Promise<string> {
  const text = await readFile(join(scenarioDir, 'spec.yml'), 'utf8');
  await mkdir(join(outRoot, 'specs'), { recursive: true });
  const spec = join(outRoot, 'specs', `${name}.yml`);
  // The spec is written elsewhere: point the relative key path back at the update scenario's keys.
  await writeFile(spec, `${edit(text).replace('../update/test-keys/', `${resolve('qemu-tests', 'update', 'test-keys')}/`)}${sections}`);
  const [image] = await build(spec, buildOptions({ outDir: join(outRoot, name), arch: [arch], formats, progress: terminalProgress() }));
  return image!.dir;
}

/** The device id the agent printed when it activated. */
async function activated(vm: Vm): Promise<string> {
  const match = await vm.expect(/imago-agent: activated as (d-[0-9a-f]{12})\r?\n/, TCG_TIMEOUTS.bootMs);
  return match.groups[0]!;
}

/** When (Date.now()) each numbered ticker line reached the host on the console; pass `onLine` to the boot. */
function tickClock() {
  const seen = new Map<number, number>();
  return {
    /** Forgets every line seen: after a reboot the ticker counts from 1 again. */
    clear() {
      seen.clear();
    },
    onLine(line: { text: string }) {
      echo?.(line);
      const tick = /\] ticker: tick (\d+)$/.exec(line.text);
      if (tick) seen.set(Number(tick[1]), Date.now());
    },
    async at(n: number): Promise<number> {
      for (let waited = 0; waited < 10_000; waited += 50) {
        const at = seen.get(n);
        if (at !== undefined) return at;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`ticker line ${n} never reached the console`);
    },
  };
}

/** Follows the ticker through the server; returns how long after the console showed each line the CLI printed it. */
async function followDelays(fleet: QemuFleet, ticks: ReturnType<typeof tickClock>, device: string, count: number): Promise<number[]> {
  const follow = fleet.follow(['logs', device, 'ticker', '-f', '-n', '1']);
  try {
    // Lines come as `<time> ticker: tick N`. The first is history (-n 1); the ones after it are live.
    await follow.waitFor(/ ticker: tick \d+$/, 90_000);
    const delays: number[] = [];
    for (let i = 0; i < count; i++) {
      const printed = await follow.waitFor(/ ticker: tick (\d+)$/, 30_000);
      // The console can be the later of the two: that counts as no delay.
      delays.push(Math.max(0, printed.at - (await ticks.at(Number(printed.match[1])))));
    }
    return delays;
  } finally {
    await follow.stop();
  }
}

async function statusOf(fleet: QemuFleet, device: string): Promise<any> {
  const result = await fleet.cli(['status', device, '--json']);
  if (result.code !== 0) throw new Error(`fleet status ${device}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

async function restartsOf(fleet: QemuFleet, device: string, service: string): Promise<number | undefined> {
  return (await statusOf(fleet, device)).status?.services?.find((s: { name: string }) => s.name === service)?.restarts;
}

/** Polls the device's last report until `check` holds (reports come with each heartbeat). */
async function eventually<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

test.serial('x86_64: two devices from one image and token activate apart; the web console drives them in Chromium and updates one to v2; logs follow live, a remote restart counts, a broken update from the CLI rolls back', async (t) => {
  const arch = 'x86_64';
  const sntp = await startSntpResponder();
  const fleet = await startQemuFleet();
  const vms: Vm[] = [];
  t.teardown(async () => {
    await Promise.all(vms.map((vm) => vm.kill()));
    await fleet.close();
    await sntp.close();
  });
  const token = await fleet.batch('qemu-x86', 2);
  const sections = timeSection(sntp.port) + fleetSection(fleet, token, 'persistent');
  const v1 = await buildDevice('v1', arch, sections, (s) => s, ['raw']);
  const v2 = await buildDevice('v2', arch, sections, (s) => s.replace('image_version: "1"', 'image_version: "2"'), ['raw']);
  const v3 = await buildDevice('v3-broken', arch, sections, (s) => s.replace('image_version: "1"', 'image_version: "3"').replace('health: { tcp: 8080', 'health: { tcp: 9999'), ['raw']);
  const v2Bundle = await makeBundle(v2, 'fleet-v2.bundle');
  const v3Bundle = await makeBundle(v3, 'fleet-v3-broken.bundle');

  // Two devices, one disk image and one token.
  const disks = [await freshDisk(v1, 'fleet-device-a'), await freshDisk(v1, 'fleet-device-b')];
  const ticks = tickClock();
  vms.push(await bootDisk(disks[0]!, arch, { expectTimeoutMs: TCG_TIMEOUTS.expectMs, onLine: ticks.onLine }));
  vms.push(await bootDisk(disks[1]!, arch, { expectTimeoutMs: TCG_TIMEOUTS.expectMs, onLine: echo }));
  const [one, two] = vms as [Vm, Vm];
  const ids = await Promise.all([activated(one), activated(two)]);
  t.not(ids[0], ids[1], 'each device has its own id');
  const devices = JSON.parse((await fleet.cli(['devices', '--json'])).stdout) as { id: string; certSerial: string; batch: string }[];
  t.deepEqual(devices.map((d) => d.id).sort(), [...ids].sort(), 'the server lists exactly the two devices');
  t.not(devices[0]!.certSerial, devices[1]!.certSerial, 'each device has its own certificate');
  t.true(devices.every((d) => d.batch === 'qemu-x86'));
  for (const id of ids) {
    const certificate = new X509Certificate((await statusOf(fleet, id)).certificate);
    t.regex(certificate.subject, new RegExp(`CN=${id}`), 'each certificate names its device');
    t.true(certificate.checkIssued(new X509Certificate(await readFile(fleet.caFile))), 'and is signed by the fleet CA');
  }

  // The web console against the same server and both guests; the first is rebooted for real.
  const consoleCheck = await checkConsole({
    fleetDir: fleet.dir,
    serverPort: fleet.port,
    devices: ids,
    ticker: 'ticker',
    screenshots: join(outRoot, 'console-screenshots'),
    log: (line) => t.log(line),
    // v1 -> v2 from a bundle uploaded in the browser, followed to "Committed"; the CLI does the broken one below.
    update: { bundle: v2Bundle, expect: 'committed', timeoutMs: 600_000 },
    revokeLast: true,
  });
  t.log(`console screenshots: ${Object.values(consoleCheck.screenshots).join(' ')}`);
  // The console's reboot, then the update's, brought the first device back with its stored key each time.
  await one.expect(/imago-agent: using the stored identity d-/, TCG_TIMEOUTS.bootMs);
  await one.expect(/imago-agent: using the stored identity d-/, TCG_TIMEOUTS.bootMs);
  const [device] = ids;
  t.is((await eventually('version 2 in the report', () => statusOf(fleet, device!), (d) => d.status?.version === '2')).status.version, '2');
  // The reboots started the ticker again at 1: only lines from now on count.
  ticks.clear();

  // The second device has shown what it must (and is revoked); the first carries on alone, with both cores.
  await two.kill();

  const delays = await followDelays(fleet, ticks, device!, 5);
  t.log(`fleet logs -f: console -> operator delays ${delays.map((d) => `${d} ms`).join(', ')}`);
  t.true(delays.every((d) => d < 2000), `every followed line arrives under 2 s (${delays.join(', ')} ms)`);

  const before = await eventually('the ticker in the device report', () => restartsOf(fleet, device!, 'ticker'), (n) => n !== undefined);
  const restart = await fleet.cli(['restart', device!, 'ticker']);
  t.is(restart.code, 0, restart.stderr);
  t.regex(restart.stdout, /done/);
  await eventually('the restart count after a remote restart', () => restartsOf(fleet, device!, 'ticker'), (n) => n === before! + 1);
  t.pass(`restart count ${before} -> ${before! + 1}`);

  const broken = await fleet.cli(['update', device!, v3Bundle, '--timeout', '600'], 700_000);
  t.not(broken.code, 0, 'a rolled-back update is a failed command');
  t.regex(broken.stdout, new RegExp(`${device}: rolled back from version 3: critical services not healthy within 30 s`), `${broken.stdout}${broken.stderr}`);
  const after = await statusOf(fleet, device!);
  t.is(after.status.version, '2', 'the device runs version 2 again');
  const audit = (await fleet.cli(['audit', '--json'])).stdout;
  t.regex(audit, /update/, 'the updates are in the audit log');
});

test.serial('mips (big-endian): a device activates over mbed TLS and its logs are followed', async (t) => {
  const arch = 'mips';
  const sntp = await startSntpResponder();
  const fleet = await startQemuFleet();
  t.teardown(async () => {
    await fleet.close();
    await sntp.close();
  });
  const token = await fleet.batch('qemu-mips', 1);
  // No data partition on this initramfs-only image: the device activates again at each boot.
  const image = await buildDevice('mips', arch, timeSection(sntp.port) + fleetSection(fleet, token, 'ephemeral'), (s) => s.replace(/^update:\n(  .*\n)+/m, ''));
  const ticks = tickClock();
  await withImage(
    image,
    async (vm) => {
      const device = await activated(vm);
      const listed = JSON.parse((await fleet.cli(['devices', '--json'])).stdout) as { id: string; arch: string }[];
      t.deepEqual(listed.map((d) => [d.id, d.arch]), [[device, 'mips']]);
      const delays = await followDelays(fleet, ticks, device, 3);
      t.log(`mips fleet logs -f delays: ${delays.join(', ')} ms`);
      t.true(delays.every((d) => d < 2000), `followed lines arrive under 2 s (${delays.join(', ')} ms)`);
    },
    { test: t, onLine: ticks.onLine },
  );
});
