/**
 * Boots a raw disk image (`imago build --format raw`) under UEFI: Debian's
 * OVMF (x86_64) or AAVMF/QEMU_EFI (aarch64) as firmware, the disk as a
 * virtio block device, GRUB from its ESP. Unlike kernel boots, a guest reboot
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
import { efiBootFor } from '../formats/raw/firmware.ts';
import { runInTerminal } from './boot.ts';
import { consoleArgs, type ConsoleMode, type PortForward } from './command.ts';
import { QemuSpawnError } from './errors.ts';
import { Vm, type VmOptions } from './vm.ts';

export interface DiskBootOptions extends VmOptions {
  forwards?: PortForward[];
  memoryMiB?: number;
  /** pipe (default) for tests, terminal for a person (`imago run --disk`). */
  console?: ConsoleMode;
}

/** The QEMU command line for a disk boot; throws naming the firmware package when it is missing. */
export function diskCommand(disk: string, arch: string, options: DiskBootOptions = {}): { binary: string; args: string[] } {
  const target = getTarget(arch);
  const boot = efiBootFor(arch);
  if (!existsSync(boot.firmware)) throw new QemuSpawnError(`UEFI firmware ${boot.firmware} is missing: install the Debian package ${boot.firmwarePackage}`);
  const q = target.qemu;
  const args = ['-nodefaults', '-M', q.machine, ...(q.cpu ? ['-cpu', q.cpu] : []), '-accel', 'tcg', '-m', String(options.memoryMiB ?? q.memoryMiB)];
  args.push('-display', 'none', ...consoleArgs(options.console ?? 'pipe'));
  args.push('-bios', boot.firmware, '-drive', `file=${disk},format=raw,if=none,id=disk0,cache=writeback`, '-device', 'virtio-blk-pci,drive=disk0');
  const fwd = (options.forwards ?? []).map((f) => `hostfwd=tcp:127.0.0.1:${f.host}-:${f.guest}`);
  args.push('-netdev', ['user', 'id=n0', ...fwd].join(','), '-device', `${q.netDevice},netdev=n0`);
  if (q.rngDevice) args.push('-object', 'rng-random,filename=/dev/urandom,id=rng0', '-device', `${q.rngDevice},rng=rng0`);
  return { binary: q.binary, args: [...args, ...q.extraArgs] };
}

/** Starts QEMU on `disk`; the caller must `kill()` the handle. */
export async function bootDisk(disk: string, arch: string, options: DiskBootOptions = {}): Promise<Vm> {
  const command = diskCommand(disk, arch, options);
  const startedAt = performance.now();
  const child = spawn(command.binary, command.args, { stdio: 'pipe' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new QemuSpawnError(`failed to start ${command.binary}: ${error.message}`, { cause: error })));
  });
  return new Vm(child, command, startedAt, options);
}

/** Boots `disk` with its console on this terminal (Ctrl-A X quits); resolves with QEMU's exit code. */
export async function runDiskInteractive(disk: string, arch: string, options: DiskBootOptions = {}): Promise<number> {
  return runInTerminal(diskCommand(disk, arch, { ...options, console: 'terminal' }), getTarget(arch).qemu.package);
}
