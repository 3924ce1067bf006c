import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { build } from '../../build/build.ts';
import { buildOptions } from '../../build/options.ts';
import { readImageDir, runDiskInteractive, runInteractive } from '../../qemu/index.ts';
import { UsageError } from '../../errors.ts';
import { rawBoot } from '../../formats/raw/raw-boot.ts';
import { getTarget } from '../../../../targets/index.ts';
import { terminalProgress } from '../progress.ts';

/** What `imago run` tells the user starts the disk, by how the target boots it (raw-boot.ts). */
const firmwareNames = { uefi: 'UEFI', bios: 'the BIOS', uboot: 'U-Boot' } as const;

export interface RunFlags {
  out: string;
  arch?: string;
  forward?: string[];
  memory?: number;
  append?: string;
  disk?: boolean;
  skipSuite?: string[];
}

/**
 * `imago run IMAGE`: boots a built folder, or builds a spec first; exits with
 * QEMU's code. With --disk (or a disk.img as IMAGE) it boots the flashable
 * disk under UEFI (or U-Boot on armv7) instead of the kernel and initrd, as a device would.
 */
export async function runCommand(image: string, flags: RunFlags): Promise<void> {
  const found = await stat(image).catch(() => undefined);
  if (!found) throw new UsageError(`${image}: no such file or folder: give a spec, a built image folder or a disk.img`);
  const isFile = found.isFile();
  const diskGiven = isFile && basename(image).endsWith('.img');
  const disk = flags.disk || diskGiven;
  let dir = diskGiven ? dirname(image) : image;
  if (isFile && !diskGiven) {
    const options = buildOptions({ outDir: flags.out, arch: flags.arch ? [flags.arch] : undefined, formats: disk ? ['raw'] : undefined, boot: true, skipSuites: flags.skipSuite, progress: terminalProgress() });
    const [first] = await build(image, options);
    dir = first!.dir;
  } else if (!(await stat(join(dir, 'manifest.json')).catch(() => undefined))) {
    throw new UsageError(`${image} is neither a spec file nor a built image folder (no manifest.json)`);
  }
  const forwards = (flags.forward ?? []).map((pair) => {
    const [host, guest] = pair.split(':').map(Number);
    return { host: host!, guest: guest! };
  });
  if (!disk) {
    process.stderr.write(`booting ${dir} (Ctrl-A X quits QEMU)\n`);
    process.exitCode = await runInteractive(dir, { forwards, memoryMiB: flags.memory, appendCmdline: flags.append });
    return;
  }
  const diskPath = diskGiven ? image : join(dir, 'disk.img');
  if (!(await stat(diskPath).catch(() => undefined))) throw new UsageError(`${dir} has no disk.img: build it with --format raw`);
  if (flags.append) throw new UsageError('--append applies to kernel boots: a disk boots the kernel command line of its slot');
  const { manifest, memoryMiB } = await readImageDir(dir);
  process.stderr.write(`booting ${diskPath} under ${firmwareNames[rawBoot(getTarget(manifest.arch)).kind]} (Ctrl-A X quits QEMU)\n`);
  process.exitCode = await runDiskInteractive(diskPath, manifest.arch, { forwards, memoryMiB: flags.memory ?? memoryMiB });
}
