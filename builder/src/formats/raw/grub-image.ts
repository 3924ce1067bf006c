/**
 * The GRUB image: Debian's grub-efi-<arch>-bin (UEFI) or grub-pc-bin (BIOS)
 * modules, downloaded for the target architecture and never installed, made
 * into one standalone image by the host's grub-mkimage, with our script in a
 * memdisk: an EFI binary, or for a BIOS the core image plus the package's
 * boot sector (bios-boot.ts puts them on the disk). We build the memdisk tar
 * ourselves with fixed times: grub-mkstandalone's tar carries the build time,
 * and grub-mkimage itself is deterministic.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadPackages, resolvePackages, type DownloadedPackage } from '../../debian/index.ts';
import { run } from '../../io/exec.ts';
import type { Progress } from '../../progress.ts';
import { earlyConfig } from './grub-cfg.ts';
import { grubFor, type DiskTarget } from './disk-target.ts';

/** Modules built into the image: what grub.cfg uses, and nothing that needs loading from disk. */
const modules = ['memdisk', 'tar', 'part_gpt', 'fat', 'search', 'search_fs_uuid', 'loadenv', 'test', 'echo', 'linux', 'normal', 'configfile', 'sleep', 'reboot', 'halt'];
/** What a BIOS core adds: disk access through the BIOS (UEFI firmware brings its own), and a serial console (grub-cfg.ts). */
const biosModules = ['biosdisk', 'serial', 'terminal'];

/** What buildGrubImage makes: the image, and for a BIOS target the MBR boot sector that starts it. */
export interface GrubImage {
  image: Uint8Array;
  bootSector?: Uint8Array;
}

/** Downloads the GRUB package for `target` (only that package, not its dependencies). */
export async function fetchGrub(target: DiskTarget, progress: Progress): Promise<DownloadedPackage> {
  const { debianArch } = target;
  const { grubPackage } = grubFor(target);
  const closure = await resolvePackages([grubPackage], debianArch, progress);
  const [deb] = await downloadPackages(closure.filter((p) => p.name === grubPackage), debianArch, progress);
  if (!deb) throw new Error(`failed to find ${grubPackage} for ${debianArch}`);
  return deb;
}

/** Builds the GRUB image with `config` as its main script. Throws naming the failed tool. */
export async function buildGrubImage(target: DiskTarget, deb: DownloadedPackage, config: string, epoch: number): Promise<GrubImage> {
  const work = await mkdtemp(join(tmpdir(), 'imago-grub-'));
  try {
    await run('dpkg-deb', ['-x', deb.path, join(work, 'pkg')]);
    await mkdir(join(work, 'memdisk/boot/grub'), { recursive: true });
    await writeFile(join(work, 'memdisk/boot/grub/grub.cfg'), config);
    await writeFile(join(work, 'early.cfg'), earlyConfig);
    await run('tar', ['--format=ustar', `--mtime=@${epoch}`, '--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-C', join(work, 'memdisk'), '-cf', join(work, 'memdisk.tar'), 'boot']);
    const out = join(work, 'grub.img');
    const platform = grubFor(target).grubPlatform;
    const moduleDir = join(work, 'pkg/usr/lib/grub', platform);
    try {
      await run('grub-mkimage', ['-O', platform, '-d', moduleDir, '-m', join(work, 'memdisk.tar'), '-c', join(work, 'early.cfg'), '-p', '(memdisk)/boot/grub', '-o', out, ...modules, ...(target.bios ? biosModules : [])]);
    } catch (error) {
      throw new Error('failed to run grub-mkimage (install the Debian package grub-common)', { cause: error });
    }
    const image = await readFile(out);
    return target.bios ? { image, bootSector: await readFile(join(moduleDir, 'boot.img')) } : { image };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
