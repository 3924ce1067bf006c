/**
 * Boots images/edge.yml (plus a console-driven probe, see edge-scenario.ts) on
 * each test architecture (containerd, crun, the CNI plugins and iptables are
 * compiled from Debian's source everywhere, as the spec asks; on mips and
 * mips64 the images' packages too): containerd starts and
 * runs the images from the root filesystems the build prepared (nothing is
 * imported at boot), the broker container becomes healthy, a message
 * published by the publisher container in the guest reaches an MQTT
 * subscriber on the host through the forwarded port, killing the broker's
 * process makes the init restart its container and the dependant recovers,
 * the broker runs as the container image's own mosquitto user,
 * and power-off stops the tasks. Also checks that two builds of the example
 * are byte-identical.
 */
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import mqtt from 'mqtt';
import { type ContainersRow, containersMatrixDir } from './containers-matrix.ts';
import { writeRow } from './matrix-rows.ts';
import { buildEdgeExample, buildEdgeScenario } from './edge-scenario.ts';
import { TCG_TIMEOUTS, withImage } from './harness.ts';
import { testArches } from './test-arches.ts';
import { freePort } from './free-port.ts';

/** containerd, the image import and runc under emulation: minutes, not seconds, on the slower targets. */
const HEALTHY_MS = 900_000;

/** Resolves with the first message for which `accept` is true, or rejects after `ms`. */
function nextMessage(messages: { at: number; text: string }[], accept: (m: { at: number; text: string }) => boolean, ms: number): Promise<{ at: number; text: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const found = messages.find(accept);
      if (found) {
        clearInterval(poll);
        resolve(found);
      } else if (Date.now() - started > ms) {
        clearInterval(poll);
        reject(new Error(`no matching MQTT message on the host within ${ms / 1000} s (${messages.length} received)`));
      }
    }, 100);
  });
}

// Every architecture: where Debian has no binaries (mips, mips64) the images' packages are compiled from source.
const arches = testArches();

for (const arch of arches) {
  test(`${arch}: containers: broker healthy, guest messages reach the host, the broker recovers from a kill`, async (t) => {
    const dir = await buildEdgeScenario(arch);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    const row: ContainersRow = {
      arch,
      initrdBytes: manifest.outputs['initrd.img'].size,
      // A prepared image's size is its unpacked root filesystem; an imported one's its stored archive.
      imageBytes: Object.fromEntries(manifest.containers.map((c: { name: string; archive?: { size: number }; rootfs?: { bytes: number } }) => [c.name, c.rootfs?.bytes ?? c.archive?.size ?? 0])),
      passed: false,
    };
    t.teardown(() => writeRow(containersMatrixDir, { ...row, passed: t.passed }));
    // Lean images (issue 14): the broker compiled from source, static with TLS, is a fraction of Debian's 15 MB closure.
    t.true(row.imageBytes.mosquitto! < 8e6, `the mosquitto image is ${(row.imageBytes.mosquitto! / 1e6).toFixed(2)} MB unpacked, expected under 8 MB`);
    const port = await freePort();
    await withImage(
      dir,
      async (vm) => {
        const healthy = await vm.expect('init: broker healthy', HEALTHY_MS);
        row.healthySeconds = healthy.ms / 1000;
        t.log(`broker healthy ${row.healthySeconds.toFixed(1)} s after QEMU started; initrd ${(row.initrdBytes / 1e6).toFixed(2)} MB; images ${Object.entries(row.imageBytes).map(([name, bytes]) => `${name} ${(bytes / 1e6).toFixed(2)} MB`).join(', ')}`);
        t.notRegex(vm.console.transcript(), /containers-import/, 'images built from packages are not imported at boot');
        await vm.expect(/init: started publisher/, HEALTHY_MS);
        await vm.send('memory\n');
        row.memoryInUseKiB = Number((await vm.expect(/probe: MEMORY (\d+) KiB in use/)).groups[0]);
        t.log(`RAM in use with the broker healthy and the publisher started: ${(row.memoryInUseKiB / 1024).toFixed(1)} MiB (MemTotal - MemAvailable)`);

        const messages: { at: number; text: string }[] = [];
        const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 1000, connectTimeout: 30_000 });
        try {
          client.on('message', (topic, payload) => messages.push({ at: vm.elapsedMs(), text: `${topic} ${payload.toString()}` }));
          await client.subscribeAsync('edge/#');
          const first = await nextMessage(messages, () => true, TCG_TIMEOUTS.expectMs);
          t.regex(first.text, /^edge\/telemetry reading \d+ from 10\.88\.\d+\.\d+\/16$/, 'the publisher container, on the private network, reached the host subscriber');

          // The private network's NAT: the publisher reaches a web server on the host (QEMU's 10.0.2.2).
          const token = `outbound-${Date.now()}`;
          const web = createHttpServer((_req, res) => res.end(token));
          await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
          try {
            await vm.send(`outbound ${(web.address() as AddressInfo).port}\n`);
            t.is((await vm.expect(/probe: OUTBOUND (.*)\r?\n/)).groups[0], token, 'a private-network container reaches the outside through the NAT');
            // edge.yml compiles the runtime, so on every architecture the rules are the compiled iptables' (legacy), not Debian's (nft).
            t.regex((await vm.expect(/probe: NAT (.*)\r?\n/)).groups[0] ?? '', /^[1-9]\d* rules, iptables v1\.8\.9 \(legacy\)$/);
          } finally {
            web.close();
          }

          await vm.send('containers\n');
          const tasks = await vm.expect(/probe: TASKS (.*)\r?\n/);
          t.regex(tasks.groups[0] ?? '', /broker=RUNNING .*publisher=RUNNING/);
          const cgroup = await vm.expect(/probe: CGROUP (.*)\r?\n/);
          t.is(cgroup.groups[0], 'broker memory.max=67108864 cpu.max=50000 100000 pids.max=64', 'memory, CPU and pids limits reach the container');

          // mosquitto runs as its own user, which the package-users table gives the container image.
          await vm.send('broker-user\n');
          const broker = await vm.expect(/probe: BROKER uid=(\d+) gid=(\d+) passwd=(.*)\r?\n/);
          const [uid, gid, passwd] = broker.groups;
          t.regex(passwd ?? '', /^mosquitto:x:\d+:\d+::\/var\/lib\/mosquitto:\/usr\/sbin\/nologin$/, "the container image's /etc/passwd has the mosquitto user");
          t.is(`${uid}:${gid}`, (passwd ?? '').split(':').slice(2, 4).join(':'), 'the broker process runs with the mosquitto user\'s uid and gid');
          t.not(uid, '0');
          t.not(uid, '65534');

          const killedAt = vm.elapsedMs();
          await vm.send('kill-broker\n');
          await vm.expect(/probe: KILL broker process \d+/);
          // Either ctr reports the task's SIGKILL first, or the health check notices the closed port first.
          await vm.expect(/init: broker (exited \(exit 137\); restarting|unhealthy after \d+ failed checks)/);
          await vm.expect(/init: publisher stopping: dependency broker is (down|unhealthy)/);
          await vm.expect('init: broker healthy', HEALTHY_MS);
          await vm.expect(/init: started publisher/, HEALTHY_MS);
          const after = await nextMessage(messages, (m) => m.at > killedAt + 1000 && /reading 1 from 10\.88\./.test(m.text), TCG_TIMEOUTS.expectMs * 2);
          row.recoverySeconds = (after.at - killedAt) / 1000;
          t.log(`a new publisher run reached the host ${row.recoverySeconds.toFixed(1)} s after the kill`);
        } finally {
          await client.endAsync(true);
        }

        await vm.send('poweroff\n');
        await vm.expect('init: shutting down (poweroff)');
        await vm.expect('init: all services stopped', TCG_TIMEOUTS.exitMs * 2);
        await vm.expect('init: powering off', TCG_TIMEOUTS.exitMs);
        t.is(await vm.waitExit(TCG_TIMEOUTS.exitMs), 0);
        const text = vm.console.transcript();
        t.notRegex(text, /run-container: removing the container/, 'every container was removed by ctr run --rm');
        const order = (needle: string) => text.lastIndexOf(needle);
        t.true(order('init: stopping publisher') < order('init: stopping broker'), 'the dependant stops first');
        t.true(order('init: stopping broker') < order('init: stopping containerd'), 'containerd stops after its containers');
      },
      { test: t, forwards: [{ host: port, guest: 1883 }] },
    );
  });
}

test('images/edge.yml builds byte-identical initrd and container images twice', async (t) => {
  const arch = arches[0] ?? 'x86_64';
  const a = await buildEdgeExample('edge-repro-a', arch);
  const b = await buildEdgeExample('edge-repro-b', arch);
  const [manifestA, manifestB] = await Promise.all([a, b].map(async (dir) => readFile(join(dir, 'manifest.json'), 'utf8')));
  t.is(manifestA, manifestB, 'manifest.json, with every image digest, is the same');
  t.true((await readFile(join(a, 'initrd.img'))).equals(await readFile(join(b, 'initrd.img'))), 'initrd.img is byte-identical');
  const containers = JSON.parse(manifestA!).containers as { name: string; manifestDigest: string }[];
  t.deepEqual(containers.map((c) => c.name), ['mosquitto', 'mqtt-client']);
  t.log(containers.map((c) => `${c.name} ${c.manifestDigest}`).join('\n'));
});
