/**
 * containerd on the data partition: the edge scenario (edge-scenario.ts) plus
 * an `update:` section, booted twice from its raw disk on x86_64. containerd
 * keeps its root in /data/containerd, but the edge images are built from
 * packages and run as prepared: neither boot imports anything, and the broker
 * gets healthy both times. Prints both boots' seconds to a healthy broker.
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

test.serial(`${arch}: containerd's root on /data, prepared images: neither boot imports anything`, async (t) => {
  const image = await buildScenario();
  const disk = join('out', 'qemu-tests', 'containers-data.img');
  await copyFile(join(image, 'disk.img'), disk);
  const echo = process.env.IMAGO_QEMU_ECHO ? (line: { text: string }) => process.stderr.write(`${line.text}\n`) : undefined;

  const first = await bootDisk(disk, arch, { memoryMiB: 1024, expectTimeoutMs: TCG_TIMEOUTS.expectMs, onLine: echo });
  try {
    await first.expect('start-containerd: images and snapshots in /data/containerd', TCG_TIMEOUTS.bootMs);
    const healthy = await first.expect('init: broker healthy', HEALTHY_MS);
    await first.expect(/init: started publisher/, HEALTHY_MS);
    t.notRegex(first.console.transcript(), /containers-import/, 'nothing was imported on the first boot');
    t.is(await powerOff(first), 0);
    t.log(`first boot: broker healthy ${(healthy.ms / 1000).toFixed(1)} s after QEMU started (nothing imported)`);
  } finally {
    await first.kill();
  }

  const second = await bootDisk(disk, arch, { memoryMiB: 1024, expectTimeoutMs: TCG_TIMEOUTS.expectMs, onLine: echo });
  try {
    await second.expect('start-containerd: images and snapshots in /data/containerd', TCG_TIMEOUTS.bootMs);
    const healthy = await second.expect('init: broker healthy', HEALTHY_MS);
    await second.expect(/init: started publisher/, HEALTHY_MS);
    t.notRegex(second.console.transcript(), /containers-import/);
    t.is(await powerOff(second), 0);
    t.log(`second boot: broker healthy ${(healthy.ms / 1000).toFixed(1)} s after QEMU started (nothing imported)`);
  } finally {
    await second.kill();
  }
});
