/**
 * containerd on the data partition: the edge scenario (edge-scenario.ts) plus
 * an `update:` section, booted twice from its raw disk
 * on x86_64. The first boot imports the stored images into /data/containerd;
 * the second finds them there, skips the import, and the broker gets healthy
 * again. Prints both boots' seconds to a healthy broker.
 */
import { copyFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import test from 'ava';
import { bootDisk, type Vm } from '../builder/src/qemu/index.ts';
import { buildEdgeScenario } from './edge-scenario.ts';
import { TCG_TIMEOUTS } from './harness.ts';

const arch = 'x86_64';
const HEALTHY_MS = 900_000;

/** The edge scenario with a data partition big enough for its two images, as a raw disk. */
function buildScenario(): Promise<string> {
  const keys = resolve('qemu-tests', 'update', 'test-keys', 'release.pub');
  return buildEdgeScenario(arch, { name: 'containers-data', extra: `update:\n  keys: [${keys}]\n  data_size: 256M\n`, formats: ['raw'] });
}

/** Powers the guest off through the probe and waits for QEMU to end. */
async function powerOff(vm: Vm): Promise<number> {
  await vm.send('poweroff\n');
  await vm.expect('init: powering off', TCG_TIMEOUTS.exitMs * 2);
  return vm.waitExit(TCG_TIMEOUTS.exitMs);
}

test.serial(`${arch}: containerd keeps its images on /data: the second boot skips the import`, async (t) => {
  const image = await buildScenario();
  const disk = join('out', 'qemu-tests', 'containers-data.img');
  await copyFile(join(image, 'disk.img'), disk);
  const echo = process.env.IMAGO_QEMU_ECHO ? (line: { text: string }) => process.stderr.write(`${line.text}\n`) : undefined;

  const first = await bootDisk(disk, arch, { memoryMiB: 1024, expectTimeoutMs: TCG_TIMEOUTS.expectMs, onLine: echo });
  try {
    await first.expect('start-containerd: images and snapshots in /data/containerd', TCG_TIMEOUTS.bootMs);
    await first.expect(/containers-import: imported imago\/mosquitto:latest/, HEALTHY_MS);
    const healthy = await first.expect('init: broker healthy', HEALTHY_MS);
    await first.expect(/init: started publisher/, HEALTHY_MS);
    t.is(await powerOff(first), 0);
    t.log(`first boot: broker healthy ${(healthy.ms / 1000).toFixed(1)} s after QEMU started (images imported)`);
  } finally {
    await first.kill();
  }

  const second = await bootDisk(disk, arch, { memoryMiB: 1024, expectTimeoutMs: TCG_TIMEOUTS.expectMs, onLine: echo });
  try {
    await second.expect('start-containerd: images and snapshots in /data/containerd', TCG_TIMEOUTS.bootMs);
    await second.expect(/containers-import: imago\/mosquitto:latest already present/, HEALTHY_MS);
    await second.expect(/containers-import: imago\/mqtt-client:latest already present/, HEALTHY_MS);
    const healthy = await second.expect('init: broker healthy', HEALTHY_MS);
    await second.expect(/init: started publisher/, HEALTHY_MS);
    t.notRegex(second.console.transcript(), /containers-import: imported/);
    t.is(await powerOff(second), 0);
    t.log(`second boot: broker healthy ${(healthy.ms / 1000).toFixed(1)} s after QEMU started (import skipped)`);
  } finally {
    await second.kill();
  }
});
