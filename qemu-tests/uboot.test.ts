/**
 * U-Boot built from Debian's source boots under QEMU, finds its environment
 * on the disk's ESP, counts a trial's boots there and falls back through
 * altbootcmd once they are used up: the boot-counting half of the A/B scheme
 * on a U-Boot board, without a kernel (both slots are empty, so each boot
 * ends at the prompt after trying them).
 *
 * Then the update scenario's image built with --format raw boots from its
 * disk through U-Boot into slot A, as a device would.
 *
 * Runs for the U-Boot architectures in IMAGO_TEST_ARCH (or IMAGO_UBOOT_ARCH);
 * armv7 and mips so far (the other Malta boards: docs/updates.md). The first run compiles U-Boot (about
 * 4-7 minutes on two busy cores); later runs take it from the cache.
 * IMAGO_SKIP_SUITE=bookworm-security (a comma list) builds without a suite
 * whose mirror is mid-sync, as `--skip-suite` does.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { espPartName, readUbootEnv, ubootEnvFiles } from '../contract/index.ts';
import { makeEsp } from '../builder/src/formats/raw/esp.ts';
import { espType, renderGpt, sectorSize } from '../builder/src/formats/raw/gpt.ts';
import { run } from '../builder/src/io/exec.ts';
import { silentProgress } from '../builder/src/progress.ts';
import { spawned } from '../builder/src/qemu/boot.ts';
import { qemuDiskCommand } from '../builder/src/qemu/command.ts';
import { Vm } from '../builder/src/qemu/vm.ts';
import { boardEnvFormat, buildUboot, ubootBoard, ubootEspFiles } from '../builder/src/uboot/index.ts';
import { bootDisk } from '../builder/src/qemu/index.ts';
import { getTarget } from '../targets/index.ts';
import { testArches } from './test-arches.ts';
import { build } from '../builder/src/build/build.ts';
import { buildOptions } from '../builder/src/build/options.ts';
import { terminalProgress } from '../builder/src/cli/progress.ts';
import { outRoot, scenarioDir } from './update-helpers.ts';
import { slotKernel } from '../builder/src/formats/raw/slot-kernel.ts';

const MiB = 1024 * 1024;
/** The U-Boot boards this test has been proven on. */
const proven = ['armv7', 'mips'];
const arches = (process.env.IMAGO_UBOOT_ARCH?.split(',') ?? testArches()).filter((arch) => proven.includes(arch));

/** A GPT disk whose first partition is an ESP holding `files`, as the raw format lays it out. */
async function espDisk(path: string, files: Record<string, Uint8Array>): Promise<void> {
  const espSize = 64 * MiB; // FAT32 needs about 65,525 clusters: mkfs.vfat refuses a smaller one
  const esp = await makeEsp({ files, sizeBytes: espSize, volumeId: '1a2b3c4d', epoch: 0 });
  const first = MiB / sectorSize;
  const sectors = first + espSize / sectorSize + MiB / sectorSize;
  const { head, tail } = renderGpt({
    sectors,
    diskGuid: '6e0c3c52-8c3e-4c39-9d1e-2f2a7d0b0a01',
    partitions: [{ name: espPartName, type: espType, guid: '6e0c3c52-8c3e-4c39-9d1e-2f2a7d0b0a02', first, last: first + espSize / sectorSize - 1 }],
  });
  const file = await open(path, 'w');
  try {
    await file.write(head, 0, head.length, 0);
    await file.write(esp, 0, esp.length, first * sectorSize);
    await file.write(tail, 0, tail.length, (sectors - 33) * sectorSize);
    await file.truncate(sectors * sectorSize);
  } finally {
    await file.close();
  }
}

/** Both environment files as they are on the disk now, read with mtools from the ESP at 1 MiB. */
async function envOnDisk(disk: string, arch: string) {
  const copies = await Promise.all(
    ubootEnvFiles.map(async (name) => (await run('mtype', ['-i', `${disk}@@${MiB}`, `::${name}`], { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } })).stdout),
  );
  return readUbootEnv(copies, boardEnvFormat(ubootBoard(arch)));
}

/** Boots the disk until both slots were tried and U-Boot gave up, returning the console. */
async function bootOnce(arch: string, disk: string, firmware: string, patterns: RegExp[]): Promise<string> {
  const target = getTarget(arch);
  const board = ubootBoard(arch);
  const command = qemuDiskCommand(target, { disk, firmware, diskBus: board.diskInterface === 'ide' ? 'ide' : 'virtio' });
  const child = spawn(command.binary, command.args, { stdio: 'pipe' });
  await spawned(child, command, target.qemu.package);
  const vm = new Vm(child, command, performance.now(), { expectTimeoutMs: 120_000 });
  try {
    for (const pattern of patterns) await vm.expect(pattern);
    await vm.expect(/imago: slot A did not boot/);
    return vm.lines.map((line) => line.text).join('\n');
  } finally {
    await vm.kill();
  }
}

for (const arch of arches) {
  test(`${arch}: U-Boot counts a trial's boots in its environment on the ESP and falls back to the committed slot past bootlimit`, async (t) => {
    const board = ubootBoard(arch);
    const uboot = await buildUboot(board, { sourceDateEpoch: 0, progress: silentProgress });
    t.log(`U-Boot ${uboot.version} for ${arch} (${board.defconfig}): ${uboot.cached ? 'from the cache' : 'built'}`);
    const work = await mkdtemp(join(tmpdir(), 'imago-uboot-'));
    try {
      const firmware = join(work, board.image);
      await writeFile(firmware, uboot.firmware);
      const disk = join(work, 'disk.img');
      // A trial of slot B armed the way the init arms one: one boot allowed.
      await espDisk(disk, ubootEspFiles(board, uboot, { epoch: 0, vars: { imago_trial: 'B', upgrade_available: '1', bootlimit: '1', bootcount: '0' } }));

      const first = await bootOnce(arch, disk, firmware, [
        /U-Boot 2023\.01.*\(Jan 01 1970 - 00:00:00 \+0000\)/,
        /Loading Environment from FAT\.\.\. OK/,
        /imago: booting slot B \(committed A, trial B, bootcount 1, bootlimit 1\)/,
        /imago: slot B did not boot/,
        /imago: booting slot A /,
      ]);
      t.notRegex(first, /Using altbootcmd/);
      const afterFirst = await envOnDisk(disk, arch);
      t.true(afterFirst.valid, afterFirst.error);
      t.like(afterFirst.vars, { bootcount: '1', imago_trial: 'B', imago_committed: 'A', upgrade_available: '1' });
      t.is(afterFirst.copy, 1, 'U-Boot saved into the copy that was not in use');

      await bootOnce(arch, disk, firmware, [
        /Warning: Bootlimit \(1\) exceeded\. Using altbootcmd\./,
        /imago: booting slot A \(committed A, trial B, bootcount 2, bootlimit 1\)/,
      ]);
      const afterSecond = await envOnDisk(disk, arch);
      t.like(afterSecond.vars, { bootcount: '2', imago_trial: 'B' });
      t.is(afterSecond.copy, 0, 'the next save went to the other copy again');
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
}

for (const arch of arches) {
  test(`${arch}: imago build --format raw makes a disk that U-Boot boots into slot A, where the init finds its partitions`, async (t) => {
    const skipSuites = process.env.IMAGO_SKIP_SUITE?.split(',').filter(Boolean);
    const [image] = await build(join(scenarioDir, 'spec.yml'), buildOptions({ outDir: join(outRoot, `uboot-${arch}`), arch: [arch], formats: ['raw'], skipSuites, progress: terminalProgress() }));
    const disk = join(image!.dir, 'disk.img');
    const vm = await bootDisk(disk, arch, { expectTimeoutMs: 240_000 });
    try {
      await vm.expect(/U-Boot 2023\.01/);
      await vm.expect(/imago: booting slot A \(committed A, trial , bootcount 1, bootlimit \)/);
      // One space: the boot script dropped the cmdline file's final newline.
      await vm.expect(/Kernel command line: console=\S+ panic=5 imago\.slot=A/);
      await vm.expect(/init: update: data partition \/dev\/[sv]da2 mounted on \/data/);
      await vm.expect(/init: update: booted slot A, version 1/);
      await vm.expect(/init: ready/);
      t.pass();
    } finally {
      await vm.kill();
    }
  });

  test(`${arch}: on the raw disk U-Boot boots a trial slot B with its own command line, then falls back to slot A once bootlimit is used up`, async (t) => {
    const skipSuites = process.env.IMAGO_SKIP_SUITE?.split(',').filter(Boolean);
    const [image] = await build(join(scenarioDir, 'spec.yml'), buildOptions({ outDir: join(outRoot, `uboot-${arch}`), arch: [arch], formats: ['raw'], skipSuites, progress: terminalProgress() }));
    const board = ubootBoard(arch);
    const uboot = await buildUboot(board, { sourceDateEpoch: 0, progress: silentProgress });
    const work = await mkdtemp(join(tmpdir(), 'imago-uboot-'));
    try {
      const disk = join(work, 'disk.img');
      await run('cp', [join(image!.dir, 'disk.img'), disk]);
      await run('cp', [join(image!.dir, 'u-boot.bin'), join(work, 'u-boot.bin')]);
      // Slot B: slot A's kernel and initrd with a command line of its own; then a trial of B armed, one boot allowed.
      const esp = `${disk}@@${MiB}`;
      const mtools = { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } };
      const consoleArg = `console=${getTarget(arch).qemu.console}`;
      await writeFile(join(work, 'cmdline'), `${consoleArg} panic=5 imago.test=slot-b\n`);
      // The kernel as a slot holds it (a uImage on Malta), the initrd as built.
      await writeFile(join(work, 'kernel'), slotKernel(getTarget(arch), await readFile(join(image!.dir, 'kernel')), 'kernel'));
      await run('mmd', ['-i', esp, '::B'], mtools);
      for (const file of [join(work, 'kernel'), join(image!.dir, 'initrd.img')]) await run('mcopy', ['-o', '-i', esp, file, `::B/`], mtools);
      await run('mcopy', ['-o', '-i', esp, join(work, 'cmdline'), '::B/cmdline'], mtools);
      const files = ubootEspFiles(board, uboot, { epoch: 0, vars: { imago_trial: 'B', upgrade_available: '1', bootlimit: '1', bootcount: '0' } });
      for (const [name, bytes] of Object.entries(files)) {
        await writeFile(join(work, 'f'), bytes);
        await run('mcopy', ['-o', '-i', esp, join(work, 'f'), `::${name}`], mtools);
      }

      const trial = await bootDisk(disk, arch, { expectTimeoutMs: 240_000 });
      try {
        await trial.expect(/imago: booting slot B \(committed A, trial B, bootcount 1, bootlimit 1\)/);
        await trial.expect(new RegExp(`Kernel command line: ${consoleArg} panic=5 imago\\.test=slot-b imago\\.slot=B`));
        await trial.expect(/init: imago init: booting image/);
      } finally {
        await trial.kill();
      }
      const fallback = await bootDisk(disk, arch, { expectTimeoutMs: 240_000 });
      try {
        await fallback.expect(/Warning: Bootlimit \(1\) exceeded\. Using altbootcmd\./);
        await fallback.expect(/imago: booting slot A \(committed A, trial B, bootcount 2, bootlimit 1\)/);
        await fallback.expect(/Kernel command line: console=\S+ panic=5 imago\.slot=A/);
        await fallback.expect(/init: imago init: booting image/);
      } finally {
        await fallback.kill();
      }
      t.like((await envOnDisk(disk, arch)).vars, { bootcount: '2', imago_trial: 'B', imago_committed: 'A' });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
}

if (arches.length === 0) test.skip(`U-Boot boot counting (no U-Boot architecture among ${testArches().join(', ')}; set IMAGO_TEST_ARCH=armv7)`, () => {});
