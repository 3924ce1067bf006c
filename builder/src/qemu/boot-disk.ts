/**
 * Boots a raw disk image (`imago build --format raw`) under UEFI: Debian's
 * OVMF (x86_64) or AAVMF/QEMU_EFI (aarch64) as firmware, GRUB from its ESP;
 * or (i386) from QEMU's own BIOS, GRUB from the MBR and the BIOS boot
 * partition; or on a U-Boot board (armv7) from the u-boot.bin the disk build
 * wrote beside disk.img. The disk is a virtio block device. Unlike kernel boots, a guest reboot
 * restarts the machine (no -no-reboot), as a device would: GRUB then picks the
 * slot. A power-off still ends QEMU.
 *
 * ```ts
 * const vm = await bootDisk('out/x86_64/disk.img', 'x86_64', { forwards: [{ host: 2323, guest: 2323 }] });
 * ```
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getTarget } from '../../../targets/index.ts';
import { rawBoot, ubootFirmwareFile } from '../formats/raw/raw-boot.ts';
import { runInTerminal, spawned } from './boot.ts';
import { type MachineOptions, type QemuCommand, qemuDiskCommand } from './command.ts';
import { QemuSpawnError } from './errors.ts';
import { Vm, type VmOptions } from './vm.ts';

export interface DiskBootOptions extends Pick<MachineOptions, 'forwards' | 'memoryMiB' | 'console'>, VmOptions {}

/** The QEMU command line for a disk boot; throws naming the firmware (and its package) when it is missing. */
export function diskCommand(disk: string, arch: string, options: DiskBootOptions = {}): QemuCommand {
  const boot = rawBoot(getTarget(arch));
  const machine = { forwards: options.forwards, memoryMiB: options.memoryMiB, console: options.console, disk };
  if (boot.kind === 'uboot') {
    const firmware = join(dirname(disk), ubootFirmwareFile);
    if (!existsSync(firmware)) throw new QemuSpawnError(`U-Boot firmware ${firmware} is missing: imago build --format raw writes it beside disk.img`);
    return qemuDiskCommand(boot.target, { ...machine, firmware, diskBus: boot.board.diskInterface === 'ide' ? 'ide' : 'virtio' });
  }
  if (boot.kind === 'bios') return qemuDiskCommand(boot.target, machine);
  const { firmware, firmwarePackage } = boot.target.uefi!;
  if (!existsSync(firmware)) throw new QemuSpawnError(`UEFI firmware ${firmware} is missing: install the Debian package ${firmwarePackage}`);
  return qemuDiskCommand(boot.target, { ...machine, firmware });
}

/** Starts QEMU on `disk`; the caller must `kill()` the handle. */
export async function bootDisk(disk: string, arch: string, options: DiskBootOptions = {}): Promise<Vm> {
  const command = diskCommand(disk, arch, options);
  const startedAt = performance.now();
  const child = spawn(command.binary, command.args, { stdio: 'pipe' });
  await spawned(child, command, getTarget(arch).qemu.package);
  return new Vm(child, command, startedAt, options);
}

/** Boots `disk` with its console on this terminal (Ctrl-A X quits); resolves with QEMU's exit code. */
export async function runDiskInteractive(disk: string, arch: string, options: DiskBootOptions = {}): Promise<number> {
  return runInTerminal(diskCommand(disk, arch, { ...options, console: 'terminal' }), getTarget(arch).qemu.package);
}
