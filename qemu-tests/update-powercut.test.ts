/**
 * Power cuts during an update: QEMU is killed at a random moment while
 * `imagoctl update` writes the inactive slot, arms it, or reboots into it; the
 * next boot must come up on a good slot (committed, or a trial that commits),
 * with the data partition's marker intact and e2fsck finding it clean, and
 * the kernel never warning that the ESP "was not properly unmounted" (the
 * init clears FAT's dirty flag before mounting it; it stays read-only except
 * while written).
 * IMAGO_POWERCUT_ITERATIONS sets the count (default 3; `make test-matrix` runs 20);
 * IMAGO_POWERCUT_ARCH the architecture, else IMAGO_UPDATE_ARCH, else x86_64
 * (`make test` cuts armv7's power while its update test runs x86_64).
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import { bootDisk, type Vm } from '../builder/src/qemu/index.ts';
import { TCG_TIMEOUTS } from './harness.ts';
import { buildVariant, freshDisk, guestShell, makeBundle, serveBundles, waitForShell } from './update-helpers.ts';

const arch = process.env.IMAGO_POWERCUT_ARCH ?? process.env.IMAGO_UPDATE_ARCH ?? 'x86_64';
const iterations = Number(process.env.IMAGO_POWERCUT_ITERATIONS ?? 3);
const port = 14000 + Math.floor(Math.random() * 20000);

/** e2fsck -fn of the data partition (GPT entry 2) read straight from the disk file. */
async function checkDataPartition(disk: string): Promise<string> {
  const file = await open(disk, 'r');
  const entry = Buffer.alloc(128);
  await file.read(entry, 0, 128, 1024 + 128);
  await file.close();
  const first = Number(entry.readBigUInt64LE(32));
  const last = Number(entry.readBigUInt64LE(40));
  const part = `${disk}.data`;
  execFileSync('dd', [`if=${disk}`, `of=${part}`, 'bs=512', `skip=${first}`, `count=${last - first + 1}`, 'status=none']);
  return execFileSync('e2fsck', ['-fn', part], { encoding: 'utf8' });
}

async function boot(disk: string): Promise<Vm> {
  return bootDisk(disk, arch, { forwards: [{ host: port, guest: 2323 }], expectTimeoutMs: TCG_TIMEOUTS.expectMs });
}

test.serial(`${arch}: ${iterations} power cuts during updates always come back on a good slot with consistent data`, async (t) => {
  const v1 = await buildVariant('v1', arch, (s) => s);
  const v2 = await buildVariant('v2', arch, (s) => s.replace('image_version: "1"', 'image_version: "2"').replace('echo app up', 'echo app v2 up'));
  await makeBundle(v2, 'v2.bundle');
  const { server, url } = await serveBundles();
  const outcomes: string[] = [];
  try {
    for (let i = 0; i < iterations; i++) {
      const disk = await freshDisk(v1, `${arch}-powercut`);
      let vm = await boot(disk);
      const marker = `cut-${i}-${Date.now()}`;
      try {
        await vm.expect(/update: booted slot A, version 1, committed/, TCG_TIMEOUTS.bootMs);
        await waitForShell(port);
        await guestShell(port, `echo ${marker} > /data/marker && sync`);
        const cutAfterMs = Math.floor(Math.random() * 20_000);
        void guestShell(port, `imagoctl update ${url('v2.bundle')}`).catch(() => undefined);
        await new Promise((r) => setTimeout(r, cutAfterMs));
        await vm.kill();
        vm = await boot(disk);
        const booted = await vm.expect(/update: booted slot ([AB]), version (\d), (committed|on trial)/, TCG_TIMEOUTS.bootMs);
        const [slot, version, role] = booted.groups as string[];
        if (role === 'on trial') await vm.expect(/update: committed slot B/, TCG_TIMEOUTS.bootMs);
        await waitForShell(port);
        const status = (await guestShell(port, 'imagoctl status; cat /data/marker')).output;
        t.regex(status, new RegExp(`running version ${version} from slot ${slot}, committed`), status);
        t.regex(status, new RegExp(marker), `iteration ${i}: /data/marker survives`);
        // The commit (or the first boot's rollback index) wrote the ESP: after that too, the kernel had nothing to warn about.
        const kernel = (await guestShell(port, "dmesg | grep -i 'FAT-fs'; grep ' /run/imago/esp ' /proc/mounts")).output;
        t.notRegex(kernel, /not properly unmounted/, `iteration ${i}: ${kernel}`);
        t.regex(kernel, / \/run\/imago\/esp vfat ro,nosuid,nodev,noexec,\S*fmask=0177,dmask=0077/, `iteration ${i}: the ESP is read-only and root's at steady state: ${kernel}`);
        const cleared = vm.console.lines.find((line) => /was not cleanly unmounted/.test(line.text));
        await guestShell(port, 'imagoctl poweroff').catch(() => undefined);
        await vm.waitExit(TCG_TIMEOUTS.exitMs).catch(() => undefined);
        t.regex(await checkDataPartition(disk), /clean|\d+ files/, 'e2fsck finds the data partition consistent');
        outcomes.push(`cut at ${(cutAfterMs / 1000).toFixed(1)} s -> slot ${slot} v${version}${role === 'on trial' ? ' (trial, committed)' : ''}${cleared ? ', ESP dirty flag cleared at boot' : ''}`);
      } finally {
        await vm.kill();
      }
    }
  } finally {
    server.close();
  }
  t.log(`${outcomes.length}/${iterations} power cuts came back good:\n${outcomes.join('\n')}`);
});
