/**
 * `--format raw`: a flashable GPT disk image, `<out>/<arch>/disk.img`.
 *
 *   sector 0        protective MBR (a BIOS target: with GRUB's boot code), GPT header and entries
 *   sector 34       imago-bios-boot  a BIOS target only: GRUB's core image (partition 3)
 *   1 MiB           imago-esp   FAT32: EFI/BOOT/BOOT<arch>.EFI (GRUB; UEFI targets), imago/grubenv, A/ (this build), B/ (empty)
 *   then            imago-data  ext4, mounted at /data, never touched by updates
 *   last 33 sectors backup GPT
 *
 * On a U-Boot board (armv7, MIPS Malta) the ESP holds imago/boot.scr and the two copies
 * of U-Boot's environment instead of GRUB and grubenv, and U-Boot itself
 * (which a board keeps in its flash) is written next to the disk as u-boot.bin.
 * A Malta slot's kernel is a uImage of the vmlinux (slot-kernel.ts).
 *
 * `dd if=disk.img of=/dev/sdX` flashes a device; `imago run` boots it with
 * UEFI, a BIOS (i386; the same grub.cfg and grubenv serve both) or U-Boot.
 *
 * ```ts
 * await buildRawDisk({ imageDir: 'out/x86_64', spec, target: x86_64, epoch: 0, progress, locate });
 * ```
 */
import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataPartName, encodeGrubenv, espPartName, grubenvFile, slotFiles } from '../../../../contract/index.ts';
import type { Target } from '../../../../targets/index.ts';
import type { Progress } from '../../progress.ts';
import { SpecError } from '../../errors.ts';
import type { SpecProblem, UnlocatedProblem } from '../../spec/problem.ts';
import type { Spec } from '../../spec/schema.ts';
import { makeDataFs } from './data-fs.ts';
import { makeEsp } from './esp.ts';
import { buildUboot, ubootEspFiles } from '../../uboot/index.ts';
import { rawBoot, ubootFirmwareFile } from './raw-boot.ts';
import { slotKernel } from './slot-kernel.ts';
import { biosBootType, installBiosBoot } from './bios-boot.ts';
import { renderGpt, espType, linuxDataType, sectorSize } from './gpt.ts';
import { grubConfig, slotBootConfig } from './grub-cfg.ts';
import { buildGrubImage, fetchGrub, type GrubImage } from './grub-image.ts';
import { guidBytes, guidText, volumeId } from './guid.ts';
import { defaultDataSize, defaultSlotSize } from '../../spec/update-defaults.ts';

const MiB = 1024 * 1024;
/** The first sector after the primary GPT (header at 1, entries at 2-33): a BIOS target's core goes here. */
const biosBootFirst = 34;
const biosBootPartName = 'imago-bios-boot';

export interface RawDiskRequest {
  /** The built image folder; its files become slot A, and disk.img is written there. */
  imageDir: string;
  spec: Spec;
  /** The architecture; raw-boot.ts says how it boots: UEFI, a BIOS or U-Boot (a target with none fails). */
  target: Target;
  epoch: number;
  progress: Progress;
  /** Places a problem the spec caused at its YAML node, for a SpecError. */
  locate: (problem: UnlocatedProblem) => SpecProblem;
}

function roundUp(bytes: number, unit: number): number {
  return Math.ceil(bytes / unit) * unit;
}

/** Writes `<imageDir>/disk.img` and returns its path and size. Throws naming the failed step. */
export async function buildRawDisk(request: RawDiskRequest): Promise<{ path: string; size: number }> {
  const { spec, epoch, progress } = request;
  const boot = rawBoot(request.target);
  const arch = boot.target.name;
  const seed = `imago:${spec.name}:${arch}`;
  const slotSize = roundUp(spec.update?.slot_size ?? defaultSlotSize, MiB);
  const espSize = 2 * slotSize + 16 * MiB;
  const dataSize = roundUp(spec.update?.data_size ?? defaultDataSize, MiB);

  // U-Boot is a build of its own (minutes when not cached), reported as its own step before the disk's.
  const uboot = boot.kind === 'uboot' ? await buildUboot(boot.board, { sourceDateEpoch: epoch, progress }) : undefined;
  progress.step(`raw disk image (${arch})`);
  const espId = volumeId(`${seed}:esp`);
  let files: Record<string, Uint8Array | string>;
  let grub: GrubImage | undefined;
  if (boot.kind === 'uboot') {
    if (!uboot) throw new Error(`U-Boot for ${arch} was not built`);
    files = ubootEspFiles(boot.board, uboot, { epoch });
    await writeFile(join(request.imageDir, ubootFirmwareFile), uboot.firmware);
  } else {
    const deb = await fetchGrub(boot.target, progress);
    grub = await buildGrubImage(boot.target, deb, grubConfig(espId, { serial: boot.kind === 'bios' }), epoch);
    files = { [grubenvFile]: encodeGrubenv({ imago_committed: 'A', imago_trial: '', imago_tries: '0' }) };
    if (boot.target.uefi) files[boot.target.uefi.efiPath] = grub.image;
  }
  let slotBytes = 0;
  for (const name of slotFiles) {
    const raw = await readFile(join(request.imageDir, name));
    const data = name === 'kernel' ? slotKernel(boot.target, raw, join(request.imageDir, name)) : raw;
    slotBytes += data.length;
    files[`A/${name}`] = data;
  }
  if (slotBytes > slotSize) {
    // The spec's slot_size (or its default) is what is wrong: exit 2 with the field, like any spec problem.
    const path = spec.update?.slot_size === undefined ? ['update'] : ['update', 'slot_size'];
    throw new SpecError([request.locate({ path, message: `the image (${(slotBytes / MiB).toFixed(1)} MiB) does not fit a slot of ${slotSize / MiB} MiB: raise update.slot_size` })]);
  }
  files['A/boot.cfg'] = slotBootConfig('A', Buffer.from(files['A/cmdline']!).toString('utf8').trim());
  const esp = await makeEsp({ files, sizeBytes: espSize, volumeId: espId, epoch });
  const data = await makeDataFs({ sizeBytes: dataSize, uuid: guidText(guidBytes(`${seed}:data-fs`)), hashSeed: guidText(guidBytes(`${seed}:data-hash`)), label: dataPartName, epoch });

  const espFirst = MiB / sectorSize;
  const dataFirst = espFirst + espSize / sectorSize;
  const sectors = dataFirst + dataSize / sectorSize + MiB / sectorSize;
  const partitions = [
    { name: espPartName, type: espType, guid: guidText(guidBytes(`${seed}:esp`)), first: espFirst, last: dataFirst - 1 },
    { name: dataPartName, type: linuxDataType, guid: guidText(guidBytes(`${seed}:data`)), first: dataFirst, last: dataFirst + dataSize / sectorSize - 1 },
  ];
  // A BIOS boots GRUB's core from the gap before the ESP (after the GPT's entries), as partition 3
  // so the ESP and data keep their numbers on every target.
  if (boot.kind === 'bios') partitions.push({ name: biosBootPartName, type: biosBootType, guid: guidText(guidBytes(`${seed}:bios-boot`)), first: biosBootFirst, last: espFirst - 1 });
  const { head, tail } = renderGpt({ sectors, diskGuid: guidText(guidBytes(`${seed}:disk`)), partitions });
  let core: Uint8Array | undefined;
  if (boot.kind === 'bios' && grub) {
    const installed = installBiosBoot({ mbr: head.subarray(0, sectorSize), bootImg: grub.bootSector!, coreImg: grub.image, coreSector: biosBootFirst });
    if (installed.core.length > (espFirst - biosBootFirst) * sectorSize) throw new Error(`GRUB's core image (${installed.core.length} bytes) does not fit the BIOS boot partition (${(espFirst - biosBootFirst) * sectorSize} bytes)`);
    installed.mbr.copy(head, 0);
    core = installed.core;
  }
  const path = join(request.imageDir, 'disk.img');
  const partial = `${path}.partial`;
  const file = await open(partial, 'w');
  try {
    await file.write(head, 0, head.length, 0);
    if (core) await file.write(core, 0, core.length, biosBootFirst * sectorSize);
    await file.write(esp, 0, esp.length, espFirst * sectorSize);
    await file.write(data, 0, data.length, dataFirst * sectorSize);
    await file.write(tail, 0, tail.length, (sectors - 33) * sectorSize);
    await file.truncate(sectors * sectorSize);
  } finally {
    await file.close();
  }
  await rename(partial, path);
  progress.done(`${(sectors * sectorSize / MiB).toFixed(0)} MiB: ESP ${espSize / MiB} MiB (slots A and B), data ${dataSize / MiB} MiB`);
  return { path, size: sectors * sectorSize };
}
