/**
 * The GRUB EFI binary: Debian's grub-efi-<arch>-bin modules (downloaded for the
 * target architecture, never installed) made into one standalone image by the
 * host's grub-mkimage, with our script in a memdisk. We build the memdisk tar
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
import type { UefiTarget } from './uefi-target.ts';

/** Modules built into the image: what grub.cfg uses, and nothing that needs loading from disk. */
const modules = ['memdisk', 'tar', 'part_gpt', 'fat', 'search', 'search_fs_uuid', 'loadenv', 'test', 'echo', 'linux', 'normal', 'configfile', 'sleep', 'reboot', 'halt'];

/** Downloads the GRUB package for `target` (only that package, not its dependencies). */
export async function fetchGrub(target: UefiTarget, progress: Progress): Promise<DownloadedPackage> {
  const { uefi, debianArch } = target;
  const closure = await resolvePackages([uefi.grubPackage], debianArch, progress);
  const [deb] = await downloadPackages(closure.filter((p) => p.name === uefi.grubPackage), debianArch, progress);
  if (!deb) throw new Error(`failed to find ${uefi.grubPackage} for ${debianArch}`);
  return deb;
}

/** Builds the GRUB EFI binary with `config` as its main script. Throws naming the failed tool. */
export async function buildGrubImage(target: UefiTarget, deb: DownloadedPackage, config: string, epoch: number): Promise<Uint8Array> {
  const work = await mkdtemp(join(tmpdir(), 'imago-grub-'));
  try {
    await run('dpkg-deb', ['-x', deb.path, join(work, 'pkg')]);
    await mkdir(join(work, 'memdisk/boot/grub'), { recursive: true });
    await writeFile(join(work, 'memdisk/boot/grub/grub.cfg'), config);
    await writeFile(join(work, 'early.cfg'), earlyConfig);
    await run('tar', ['--format=ustar', `--mtime=@${epoch}`, '--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-C', join(work, 'memdisk'), '-cf', join(work, 'memdisk.tar'), 'boot']);
    const out = join(work, 'grub.efi');
    try {
      const platform = target.uefi.grubPlatform;
      await run('grub-mkimage', ['-O', platform, '-d', join(work, 'pkg/usr/lib/grub', platform), '-m', join(work, 'memdisk.tar'), '-c', join(work, 'early.cfg'), '-p', '(memdisk)/boot/grub', '-o', out, ...modules]);
    } catch (error) {
      throw new Error('failed to run grub-mkimage (install the Debian package grub-common)', { cause: error });
    }
    return await readFile(out);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
