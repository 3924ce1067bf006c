/**
 * Boots a raw disk image (`imago build --format raw`) under UEFI: Debian's
 * OVMF (x86_64) or AAVMF/QEMU_EFI (aarch64) as firmware, GRUB from its ESP;
 * or (i386) from QEMU's own BIOS, GRUB from the MBR and the BIOS boot
 * partition. The disk is a virtio block device. Unlike kernel boots, a guest reboot
 * restarts the machine (no -no-reboot), as a device would: GRUB then picks the
 * slot. A power-off still ends QEMU.
 *
 * ```ts
 * const vm = await bootDisk('out/x86_64/disk.img', 'x86_64', { forwards: [{ host: 2323, guest: 2323 }] });
 * ```
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { getTarget } from '../../../targets/index.ts';
import { requireDiskTarget } from '../formats/raw/disk-target.ts';
import { runInTerminal, spawned } from './boot.ts';
import { type MachineOptions, type QemuCommand, qemuDiskCommand } from './command.ts';
import { QemuSpawnError } from './errors.ts';
import { Vm, type VmOptions } from './vm.ts';

export interface DiskBootOptions extends Pick<MachineOptions, 'forwards' | 'memoryMiB' | 'console'>, VmOptions {}

/** The QEMU command line for a disk boot; throws naming the firmware package when it is missing. */
export function diskCommand(disk: string, arch: string, options: DiskBootOptions = {}): QemuCommand {
  const target = requireDiskTarget(getTarget(arch));
  const firmware = target.uefi?.firmware;
  if (firmware && !existsSync(firmware)) throw new QemuSpawnError(`UEFI firmware ${firmware} is missing: install the Debian package ${target.uefi!.firmwarePackage}`);
  return qemuDiskCommand(target, { forwards: options.forwards, memoryMiB: options.memoryMiB, console: options.console, disk, firmware });
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
