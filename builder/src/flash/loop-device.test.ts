import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentProgress } from '../progress.ts';
import { flashImage, type FlashOptions } from './flash-image.ts';
import { gptHeaderProblems, testDiskSectors, writeTestDisk } from './test-disk.ts';
import { writeImage } from './write-image.ts';

// Real block devices: loop devices over temporary files (needs root, as this
// machine runs the tests). Each test detaches and unmounts what it set up.

test.serial.before(() => {
  // Fail with the reason rather than skip: these are the only tests of a real block device.
  const probe = spawnSync('losetup', ['--version'], { encoding: 'utf8' });
  if (probe.error) throw new Error(`losetup is missing (util-linux): ${probe.error.message}`);
});

const scripted: FlashOptions = { yes: true, verify: true, tty: false, ask: async () => 'no', progress: silentProgress };

/** A workspace whose loop devices and mounts are undone whatever happens. */
async function withScratch(run: (scratch: { dir: string; attach(size: number): string; mount(device: string): string }) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'imago-flash-loop-'));
  const loops: string[] = [];
  const mounts: string[] = [];
  try {
    await run({
      dir,
      attach(size) {
        const backing = join(dir, `backing-${loops.length}.img`);
        writeFileSync(backing, '');
        truncateSync(backing, size);
        const result = spawnSync('losetup', ['-f', '--show', backing], { encoding: 'utf8' });
        if (result.status !== 0) throw new Error(`losetup -f --show ${backing} failed: ${result.stderr.trim() || result.error?.message}: these tests need root (or CAP_SYS_ADMIN) and /dev/loop-control`);
        loops.push(result.stdout.trim());
        return result.stdout.trim();
      },
      mount(device) {
        const point = join(dir, `mnt-${mounts.length}`);
        mkdirSync(point);
        execFileSync('mkfs.ext4', ['-q', '-F', device]);
        // Read-only: a read-write ext4 keeps writing by itself (lazy inode table
        // init, journal commits), and the tests compare the device's bytes.
        execFileSync('mount', ['-o', 'ro', device, point]);
        mounts.push(point);
        return point;
      },
    });
  } finally {
    for (const point of mounts.reverse()) spawnSync('umount', [point]);
    for (const loop of loops) spawnSync('losetup', ['-d', loop]);
    rmSync(dir, { recursive: true, force: true });
  }
}

function readDevice(device: string, bytes: number): Buffer {
  const buffer = Buffer.alloc(bytes);
  const fd = openSync(device, 'r');
  try {
    let done = 0;
    while (done < bytes) {
      const n = readSync(fd, buffer, done, bytes - done, done);
      if (n === 0) break;
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return buffer;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const mib = 1024 * 1024;

test.serial('flashing a loop device writes the image, its GPT header is whole, and the read-back sha256 matches', async (t) => {
  await withScratch(async ({ dir, attach }) => {
    const image = writeTestDisk(join(dir, 'disk.img'));
    const device = attach(32 * mib);
    const report = await flashImage(join(dir, 'disk.img'), device, scripted);
    const onDevice = readDevice(device, image.length);
    t.true(onDevice.equals(image), 'the device holds the image byte for byte');
    t.deepEqual(gptHeaderProblems(onDevice), []);
    t.is(onDevice.toString('latin1', (testDiskSectors - 1) * 512, (testDiskSectors - 1) * 512 + 8), 'EFI PART', 'the backup header is at the image\'s last sector');
    t.is(report.readBackSha256, sha256(image));
    t.is(report.imageSha256, sha256(image));
  });
});

test.serial('a loop device with a mounted ext4 is refused and its bytes are unchanged', async (t) => {
  await withScratch(async ({ dir, attach, mount }) => {
    writeTestDisk(join(dir, 'disk.img'));
    const device = attach(32 * mib);
    const point = mount(device);
    const before = sha256(readDevice(device, 32 * mib));
    await t.throwsAsync(flashImage(join(dir, 'disk.img'), device, scripted), {
      message: new RegExp(`refusing to write ${device}, nothing was written:\\n  - ${device}: ${device} is mounted on ${point}: unmount it first \\(umount ${point}\\)`),
    });
    t.is(sha256(readDevice(device, 32 * mib)), before);
  });
});

test.serial('a device mounted after the checks is still not written: the writer opens it exclusively and gets EBUSY', async (t) => {
  await withScratch(async ({ dir, attach, mount }) => {
    writeTestDisk(join(dir, 'disk.img'));
    const device = attach(32 * mib);
    mount(device);
    const before = sha256(readDevice(device, 32 * mib));
    await t.throwsAsync(writeImage(join(dir, 'disk.img'), device, true, silentProgress), { message: new RegExp(`cannot open ${device} for writing: it is in use \\(mounted or claimed by another program\\)`) });
    t.is(sha256(readDevice(device, 32 * mib)), before);
  });
});

test.serial('a loop device smaller than the image is refused and its bytes are unchanged', async (t) => {
  await withScratch(async ({ dir, attach }) => {
    writeTestDisk(join(dir, 'disk.img'));
    const device = attach(4 * mib);
    const before = sha256(readDevice(device, 4 * mib));
    await t.throwsAsync(flashImage(join(dir, 'disk.img'), device, scripted), {
      message: new RegExp(`- ${device} holds 4\\.2 MB \\(4194304 bytes\\), the image needs 10\\.5 MB \\(10489344 bytes\\): expected a larger device$`),
    });
    t.is(sha256(readDevice(device, 4 * mib)), before);
  });
});

test.serial('the question for a loop device names it, its backing file as the model, and its size', async (t) => {
  await withScratch(async ({ dir, attach }) => {
    writeTestDisk(join(dir, 'disk.img'));
    const device = attach(32 * mib);
    let question = '';
    await t.throwsAsync(flashImage(join(dir, 'disk.img'), device, { ...scripted, yes: false, tty: true, ask: async (q) => ((question = q), 'no') }));
    t.is(question, `Write ${join(dir, 'disk.img')} (10.5 MB) to ${device} (${join(dir, 'backing-0.img')}, 33.6 MB)? Everything on ${device} will be lost. Type "yes" to go on: `);
  });
});
