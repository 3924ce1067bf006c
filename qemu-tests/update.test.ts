/**
 * A/B updates on x86_64 (IMAGO_UPDATE_ARCH: aarch64, i386 from a legacy BIOS,
 * or armv7 and the MIPS Malta targets through U-Boot, in `make test-matrix`), booted from the raw disk
 * under OVMF (or the BIOS, or U-Boot with the slot state in its environment
 * instead of grubenv): v1 -> v2 with the
 * data partition surviving; a v2 whose critical service never gets healthy
 * rolling back by itself; refused bundles (another product's and an older version among them)
 * leaving the running slot untouched, and the ESP read-only and root's alone.
 * Prints update-apply and reboot-to-committed seconds.
 */
import test from 'ava';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeys } from '../builder/src/bundle/keys.ts';
import { bootDisk } from '../builder/src/qemu/index.ts';
import { TCG_TIMEOUTS } from './harness.ts';
import { ubootEnvFiles } from '../contract/index.ts';
import { buildVariant, freshDisk, guestShell, makeBundle, outRoot, serveBundles, slotStateFiles, ubootEnvOnDisk, waitForShell } from './update-helpers.ts';

const arch = process.env.IMAGO_UPDATE_ARCH ?? 'x86_64';
const shellPort = 12000 + Math.floor(Math.random() * 20000);
/** grubenv, or U-Boot's environment copies: the bootloader's side of the slot state, in the guest. */
const stateFiles = slotStateFiles(arch).map((file) => `/run/imago/esp/${file}`);

test.serial(`${arch}: v1 -> v2 update commits and keeps /data; a broken v2 rolls back by itself`, async (t) => {
  const v1 = await buildVariant('v1', arch, (s) => s);
  const v2 = await buildVariant('v2', arch, (s) => s.replace('image_version: "1"', 'image_version: "2"').replace('echo app up', 'echo app v2 up'));
  const broken = await buildVariant('v3-broken', arch, (s) => s.replace('image_version: "1"', 'image_version: "3"').replace('health: { tcp: 8080', 'health: { tcp: 9999'));
  await makeBundle(v2, 'v2.bundle');
  await makeBundle(broken, 'v3-broken.bundle');
  const { server, url } = await serveBundles();
  const disk = await freshDisk(v1, `${arch}-update`);
  const vm = await bootDisk(disk, arch, { forwards: [{ host: shellPort, guest: 2323 }], expectTimeoutMs: TCG_TIMEOUTS.expectMs, onLine: process.env.IMAGO_QEMU_ECHO ? (l) => process.stderr.write(`${l.text}\n`) : undefined });
  try {
    await vm.expect(/update: booted slot A, version 1, committed/, TCG_TIMEOUTS.bootMs);
    await waitForShell(shellPort);
    const marker = `survives-${Date.now()}`;
    t.is((await guestShell(shellPort, `echo ${marker} > /data/marker && sync && cat /data/marker`)).output.trim(), marker);

    // v1 -> v2
    const apply = await guestShell(shellPort, `imagoctl update ${url('v2.bundle')}`);
    t.regex(apply.output, /update: wrote slot B \(version 2/, apply.output);
    const applySeconds = Number(/update-apply seconds: ([\d.]+)/.exec(apply.output)?.[1]);
    const rebootAt = (await vm.expect(/init: .*rebooting/)).ms;
    await vm.expect(/update: booted slot B, version 2, on trial/, TCG_TIMEOUTS.bootMs);
    const committedAt = (await vm.expect(/update: committed slot B \(version 2\)/, TCG_TIMEOUTS.bootMs)).ms;
    await waitForShell(shellPort);
    t.is((await guestShell(shellPort, 'cat /data/marker')).output.trim(), marker, '/data survives the update');
    const status = (await guestShell(shellPort, 'imagoctl status')).output;
    t.regex(status, /running version 2 from slot B, committed/, status);
    t.regex(status, /slot B: 2 \(booted, committed\)/, status);
    t.regex(status, /slot A: 1/, status);
    const esp = (await guestShell(shellPort, "grep ' /run/imago/esp ' /proc/mounts")).output;
    t.regex(esp, / vfat ro,nosuid,nodev,noexec,/, `after the commit wrote ${stateFiles.join(' and ')} the ESP is read-only again: ${esp}`);
    t.log(`update-apply: ${applySeconds.toFixed(1)} s; reboot-to-committed: ${((committedAt - rebootAt) / 1000).toFixed(1)} s (commit_after 5 s)`);

    // v2 -> v3, whose critical service never gets healthy: the trial fails and the bootloader falls back to v2.
    const bad = await guestShell(shellPort, `imagoctl update ${url('v3-broken.bundle')}`);
    t.regex(bad.output, /update: wrote slot A \(version 3/, bad.output);
    await vm.expect(/update: booted slot A, version 3, on trial/, TCG_TIMEOUTS.bootMs);
    await vm.expect(/update: trial of slot A failed: critical services not healthy/, TCG_TIMEOUTS.bootMs);
    await vm.expect(/update: rolled back from slot A \(version 3\) to slot B/, TCG_TIMEOUTS.bootMs);
    await waitForShell(shellPort);
    const after = (await guestShell(shellPort, 'imagoctl status; cat /data/marker')).output;
    t.regex(after, /running version 2 from slot B, committed/, after);
    t.regex(after, /last rollback: slot A \(version 3\) at .*: critical services not healthy within 60 s of boot: app \S+/, after);
    t.regex(after, new RegExp(marker));
  } finally {
    server.close();
    await vm.kill();
  }
  if (slotStateFiles(arch) !== ubootEnvFiles) return;
  // What U-Boot reads at the next power-on: B committed, the rollback's trial cleared, no counting left armed.
  const env = await ubootEnvOnDisk(disk, arch);
  t.like(env, { imago_committed: 'B', bootcount: '0' }, JSON.stringify(env));
  t.is(env.imago_trial ?? env.upgrade_available ?? env.bootlimit, undefined, `the trial variables are gone: ${JSON.stringify(env)}`);
});

test.serial(`${arch}: tampered, other-arch, other-product, older, truncated and untrusted bundles are refused; the running slot is unchanged and the ESP read-only and root's`, async (t) => {
  const v1 = await buildVariant('v1', arch, (s) => s);
  const v2 = await buildVariant('v2', arch, (s) => s.replace('image_version: "1"', 'image_version: "2"').replace('echo app up', 'echo app v2 up'));
  const good = await readFile(await makeBundle(v2, 'v2.bundle'));
  const bundles = join(outRoot, 'bundles');
  const tampered = Buffer.from(good);
  tampered[tampered.length - 5000]! ^= 0xff;
  await writeFile(join(bundles, 'tampered.bundle'), tampered);
  await writeFile(join(bundles, 'truncated.bundle'), good.subarray(0, good.length - 4096));
  const otherArch = join(outRoot, 'other-arch');
  await rm(otherArch, { recursive: true, force: true });
  await cp(v2, otherArch, { recursive: true });
  const manifest = JSON.parse(await readFile(join(otherArch, 'manifest.json'), 'utf8'));
  await writeFile(join(otherArch, 'manifest.json'), JSON.stringify({ ...manifest, arch: arch === 'x86_64' ? 'aarch64' : 'x86_64' }));
  await makeBundle(otherArch, 'other-arch.bundle');
  // Signed by the trusted key, for this architecture, but for another product line.
  const otherProduct = join(outRoot, 'other-product');
  await rm(otherProduct, { recursive: true, force: true });
  await cp(v2, otherProduct, { recursive: true });
  await writeFile(join(otherProduct, 'manifest.json'), JSON.stringify({ ...manifest, compatible: 'another-product' }));
  await makeBundle(otherProduct, 'other-product.bundle');
  // Signed by the trusted key, for this device, but older than the running version 1.
  const older = join(outRoot, 'older');
  await rm(older, { recursive: true, force: true });
  await cp(v2, older, { recursive: true });
  await writeFile(join(older, 'manifest.json'), JSON.stringify({ ...manifest, version: '0.9' }));
  await makeBundle(older, 'older.bundle');
  const stranger = generateKeys();
  await writeFile(join(bundles, 'stranger.key'), stranger.privatePem);
  await makeBundle(v2, 'untrusted.bundle', join(bundles, 'stranger.key'));

  const { server, url } = await serveBundles();
  const disk = await freshDisk(v1, `${arch}-refusals`);
  const vm = await bootDisk(disk, arch, { forwards: [{ host: shellPort + 1, guest: 2323 }], expectTimeoutMs: TCG_TIMEOUTS.expectMs });
  try {
    await vm.expect(/update: booted slot A, version 1, committed/, TCG_TIMEOUTS.bootMs);
    await waitForShell(shellPort + 1);
    const sums = `sha256sum /run/imago/esp/A/* ${stateFiles.join(' ')}`;
    const before = (await guestShell(shellPort + 1, sums)).output;
    const cases: [string, RegExp][] = [
      ['tampered.bundle', /update refused: (initrd.img|kernel|manifest.json) does not match its sha256 in the signed manifest/],
      ['other-arch.bundle', new RegExp(`update refused: the bundle is for ${arch === 'x86_64' ? 'aarch64' : 'x86_64'}, this device is ${arch}`)],
      ['other-product.bundle', new RegExp(`update refused: the bundle is for images compatible with "another-product", this image is "updatable-${arch}"`)],
      ['older.bundle', /update refused: the bundle's version 0\.9 is not newer than the running version 1/],
      ['truncated.bundle', /update refused: the bundle is truncated: \S+ ended after \d+ of \d+ bytes/],
      ['untrusted.bundle', new RegExp(`update refused: the bundle is signed by key ${stranger.id}, which this image does not trust`)],
    ];
    for (const [file, message] of cases) {
      const result = await guestShell(shellPort + 1, `imagoctl update ${url(file)}`);
      t.is(result.code, 1, `${file}: ${result.output}`);
      t.regex(result.output, message, file);
      t.log(`${file}: ${result.output.trim()}`);
    }
    t.is((await guestShell(shellPort + 1, sums)).output, before, `slot A and ${stateFiles.join(' and ')} are byte-for-byte unchanged`);
    t.notRegex((await guestShell(shellPort + 1, 'ls /run/imago/esp/B/')).output, /boot\.cfg/, 'the inactive slot is never left bootable');
    t.regex((await guestShell(shellPort + 1, 'imagoctl status')).output, /running version 1 from slot A, committed/);
    // After all those attempts the ESP is read-only again, root's alone and never executable.
    const mounts = (await guestShell(shellPort + 1, "grep ' /run/imago/esp ' /proc/mounts; stat -c '%a %u' /run/imago/esp/A/initrd.img /run/imago/esp/A")).output;
    t.regex(mounts, /^\S+ \/run\/imago\/esp vfat ro,nosuid,nodev,noexec,\S*fmask=0177,dmask=0077/m, mounts);
    t.regex(mounts, /^600 0\n700 0$/m, `initrd.img is 0600 and slot folders 0700, owned by root: ${mounts}`);
  } finally {
    server.close();
    await vm.kill();
  }
});
