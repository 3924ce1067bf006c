/**
 * The web console in Debian's headless Chromium against real parts on the
 * build host: `imago fleet serve` started through the CLI, and two devices
 * that are the real x86_64 agent binary talking to a real init each. The
 * same checks (qemu-tests/fleet-console.ts) run in the QEMU fleet test
 * against two booted images.
 *
 * A host init is not PID 1, so a reboot ends it instead of rebooting: the
 * first device's agent reaches its init through a symlink, and bringing the
 * device back starts a new init and points the symlink at it, as a reboot
 * would bring up a new init at the same socket.
 */
import test from 'ava';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, rename, writeFile } from 'node:fs/promises';
import { signedBundle } from './signed-bundle.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent, type RunningAgent } from '../../init/test/host-agent.ts';
import { startInit, type RunningInit } from '../../init/test/host-init.ts';
import { checkConsole } from '../../qemu-tests/fleet-console.ts';
import { startQemuFleet, type QemuFleet } from '../../qemu-tests/fleet-helpers.ts';

const spec = `services:\n  - name: ticker\n    command: awk 'BEGIN { for (i = 1; ; i++) { print "tick", i; fflush(); system("sleep 0.5") } }'\n`;
const screenshots = join('out', 'console-screenshots', 'host');

let fleet: QemuFleet | undefined;
const inits: RunningInit[] = [];
const agents: RunningAgent[] = [];
let links: string | undefined;

test.after.always(async () => {
  for (const agent of agents) await agent.stop();
  for (const init of inits) await init.stop();
  await fleet?.close();
  if (links) await rm(links, { recursive: true, force: true });
});

/** Points `link` at `target` in one step (a rename), so the agent never finds no socket there. */
async function pointAt(link: string, target: string): Promise<void> {
  await symlink(target, `${link}.new`);
  await rename(`${link}.new`, link);
}

test('the web console in headless Chromium: sign-in, two host devices listed, a followed log, a restart, refused actions, a reboot and back, an uploaded update refused by the device, a revoke, batches, audit, axe-core on every page', async (t) => {
  t.timeout(600_000);
  if (!existsSync('/usr/bin/chromium')) return t.fail("Debian's chromium is not installed (/usr/bin/chromium): run scripts/install-host-packages");
  fleet = await startQemuFleet();
  const tokenFile = await fleet.batch('host', 2);
  const token = (await readFile(tokenFile, 'utf8')).trim();
  const caPem = await readFile(fleet.caFile, 'utf8');
  links = await mkdtemp(join(tmpdir(), 'imago-console-links-'));
  const ids: string[] = [];
  for (const name of ['a', 'b']) {
    const init = await startInit(spec);
    inits.push(init);
    await init.waitForLog('ticker', /tick 1/);
    const control = join(links, `${name}.sock`);
    await pointAt(control, init.socket);
    const agent = await startAgent({ server: { host: '127.0.0.1', port: fleet.port, name: 'localhost' }, caPem, token, control, pollWaitSeconds: 5 });
    agents.push(agent);
    ids.push(/activated as (\S+)/.exec(await agent.waitForOutput(/activated as /, 120_000))![1]!);
  }
  // A host agent downloads and checks the bundle but has no A/B slots to install it to: the device refuses.
  const bundle = join(links, 'v2.bundle');
  await writeFile(bundle, await signedBundle('2.0.0'));
  const result = await checkConsole({
    fleetDir: fleet.dir,
    serverPort: fleet.port,
    devices: ids,
    ticker: 'ticker',
    screenshots,
    log: (line) => t.log(line),
    reboot: {
      async bringBack() {
        const exited = await inits[0]!.stop();
        t.log(`host: the first device's init ended (exit ${exited}) on the reboot; starting a new one`);
        const init = await startInit(spec);
        inits.push(init);
        await pointAt(join(links!, 'a.sock'), init.socket);
      },
    },
    // A hang detector, not a speed test: a new init and agent took over 60 s to poll once under a load average of 20.
    rebootTimeoutMs: 180_000,
    update: { bundle, expect: 'refused', timeoutMs: 60_000 },
    revokeLast: true,
  });
  t.deepEqual(Object.keys(result.screenshots).sort(), ['audit', 'batches', 'device', 'fleet', 'fleet-phone', 'sign-in']);
  t.log(`screenshots: ${Object.values(result.screenshots).join(' ')}`);
});
