/**
 * Time first, on x86_64: a guest whose clock starts in 1970 (QEMU's RTC
 * `-rtc base=1970-01-02`) and whose spec names an NTP server on the host
 * (a tiny SNTP responder on an unprivileged loopback port, reached from the
 * guest at 10.0.2.2): the time service sets the clock, marks it set
 * (/run/imago/clock-set), and a service waiting for `time: ready` starts and
 * sees the host's time. Then the same image with nothing answering: the time
 * service says why, stays not ready, the waiting service never starts and
 * the clock stays in 1970.
 *
 * Both images are also fleet devices of a real `imago fleet serve` on the
 * host: the first activates only once its clock is set; the second never
 * activates (the server has no device) and its agent is not started.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { build } from '../builder/src/build/build.ts';
import { buildOptions } from '../builder/src/build/options.ts';
import { terminalProgress } from '../builder/src/cli/progress.ts';
import { fleetSection, startQemuFleet, type QemuFleet } from './fleet-helpers.ts';
import { TCG_TIMEOUTS, withImage } from './harness.ts';
import { startSntpResponder } from './sntp-responder.ts';

const arch = 'x86_64';
const in1970 = ['-rtc', 'base=1970-01-02T00:00:00,clock=vm'];

/** The spec: the time service with one server, a fleet agent, a service that waits for the clock, and a console probe. */
function timeSpec(port: number, fleet: string): string {
  return `version: 1
name: time-test
time:
  servers: ["10.0.2.2:${port}"]
services:
  - name: after-clock
    type: oneshot
    restart: never
    depends_on: { time: ready }
    command: echo "CLOCK-SET now=$(date +%s) mark=$(ls /run/imago/clock-set)"
  - name: probe
    restart: never
    command: |
      while read -r order < /dev/console; do
        case "$order" in
          date) echo "DATE $(date +%s) mark=$(ls /run/imago/clock-set 2>&1 | head -c 60)" ;;
          agent) echo "AGENT $(imagoctl status | grep fleet-agent)" ;;
          poweroff) poweroff; exit 0 ;;
        esac
      done
${fleet}`;
}

/** Builds the spec with the responder's port into out/qemu-tests/time/. */
async function buildTimeImage(port: number, fleet: QemuFleet): Promise<string> {
  const dir = join('out', 'qemu-tests', 'time');
  await mkdir(dir, { recursive: true });
  const spec = join(dir, 'spec.yml');
  await writeFile(spec, timeSpec(port, fleetSection(fleet, await fleet.batch(`time-${port}`, 1), 'ephemeral')));
  const [image] = await build(spec, buildOptions({ outDir: join(dir, 'image'), arch: [arch], progress: terminalProgress() }));
  return image!.dir;
}

test.serial(`${arch}: a guest booted in 1970 sets its clock from the host's NTP server, marks it set, and starts what waits for it`, async (t) => {
  const sntp = await startSntpResponder();
  const fleet = await startQemuFleet();
  t.teardown(async () => {
    await sntp.close();
    await fleet.close();
  });
  const image = await buildTimeImage(sntp.port, fleet);
  await withImage(
    image,
    async (vm) => {
      await vm.expect(/time: asking 10\.0\.2\.2:\d+/, TCG_TIMEOUTS.bootMs);
      const set = await vm.expect(/time: clock set \((step|stratum)/, TCG_TIMEOUTS.expectMs);
      t.truthy(set);
      const started = await vm.expect(/CLOCK-SET now=(\d+) mark=(\S+)\r?\n/, TCG_TIMEOUTS.expectMs);
      const guestNow = Number(started.groups[0]);
      t.true(Math.abs(guestNow - Date.now() / 1000) < 300, `the guest's clock (${guestNow}) is the host's (${Math.round(Date.now() / 1000)})`);
      t.is(started.groups[1], '/run/imago/clock-set');
      t.true(sntp.answered > 0, 'the guest asked the host');
      // Only now, with a clock it can check certificates against, does the device activate.
      await vm.expect(/imago-agent: activated as d-[0-9a-f]{12}\r?\n/, TCG_TIMEOUTS.bootMs);
      const lines = vm.lines.map((l) => l.text);
      const clockSetAt = lines.findIndex((l) => /time: clock set/.test(l));
      t.true(lines.findIndex((l) => /imago-agent: /.test(l)) > clockSetAt, 'the agent starts after the clock is set');
      const devices = JSON.parse((await fleet.cli(['devices', '--json'])).stdout) as unknown[];
      t.is(devices.length, 1, 'the server has the device');
    },
    { test: t, extraArgs: in1970 },
  );
});

test.serial(`${arch}: without a reachable NTP server the time service says why, stays not ready, and the clock stays in 1970`, async (t) => {
  const sntp = await startSntpResponder();
  const port = sntp.port;
  // The port is closed again: the guest's queries go unanswered.
  await sntp.close();
  const fleet = await startQemuFleet();
  t.teardown(() => fleet.close());
  const image = await buildTimeImage(port, fleet);
  await withImage(
    image,
    async (vm) => {
      await vm.expect(new RegExp(`time: asking 10\\.0\\.2\\.2:${port}`), TCG_TIMEOUTS.bootMs);
      await vm.expect(/timed out waiting for 10\.0\.2\.2/, TCG_TIMEOUTS.expectMs);
      await vm.send('date\n');
      const date = await vm.expect(/DATE (\d+) mark=(.*)\r?\n/, TCG_TIMEOUTS.expectMs);
      t.true(Number(date.groups[0]) < 86400 * 365, `the clock stays in 1970 (${date.groups[0]})`);
      t.regex(date.groups[1]!, /No such file/, 'no clock-set mark without a time server');
      t.notRegex(vm.console.transcript(), /CLOCK-SET/, 'the service waiting for time: ready never started');
      // The fleet agent waits for the clock too: it says so, and the server never sees the device.
      await vm.send('agent\n');
      const agent = await vm.expect(/AGENT (.*)\r?\n/, TCG_TIMEOUTS.expectMs);
      t.regex(agent.groups[0]!, /fleet-agent +waiting .*waiting for time \(ready\)/, `the agent's state says why: ${agent.groups[0]}`);
      t.notRegex(vm.console.transcript(), /imago-agent: /, 'the agent never ran');
      t.deepEqual(JSON.parse((await fleet.cli(['devices', '--json'])).stdout), [], 'nothing activated');
    },
    { test: t, extraArgs: in1970 },
  );
});
