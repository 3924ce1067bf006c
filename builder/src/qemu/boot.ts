/**
 * Boots a built image folder in QEMU, either under program control
 * (`bootImage`) or attached to the terminal (`runInteractive`).
 *
 * ```ts
 * const vm = await bootImage('out/x86_64', { forwards: [{ host: 8080, guest: 80 }] });
 * try {
 *   const ready = await vm.expect('imago: ready', 120_000);
 *   console.log(`ready after ${ready.ms / 1000} s`);
 * } finally {
 *   await vm.kill();
 * }
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import { qemuCommand, type QemuCommand, type QemuCommandOptions } from './command.ts';
import { QemuSpawnError } from './errors.ts';
import { readImageDir } from './image-dir.ts';
import { Vm, type VmOptions } from './vm.ts';

/** Options of `bootImage` and `runInteractive`: QEMU command options minus the image files, plus VM options. */
export interface BootOptions extends Omit<QemuCommandOptions, 'kernel' | 'initrd' | 'cmdline' | 'console'>, VmOptions {
  /** Appended to the image's `cmdline` file after a space, e.g. a debug flag. */
  appendCmdline?: string;
}

/**
 * Reads the image folder `dir` (`kernel`, `initrd.img`, `cmdline`,
 * `manifest.json`), starts QEMU for the manifest's architecture with the
 * serial console piped, and returns a handle once the process is running.
 * Throws ImageDirError for a missing or invalid file and QemuSpawnError when
 * the QEMU binary cannot be started. The caller must `kill()` the handle.
 */
export async function bootImage(dir: string, options: BootOptions = {}): Promise<Vm> {
  const { command, qemuPackage } = await imageCommand(dir, options, 'pipe');
  const startedAt = performance.now();
  const child = spawn(command.binary, command.args, { stdio: 'pipe' });
  await spawned(child, command, qemuPackage);
  return new Vm(child, command, startedAt, options);
}

/**
 * Boots the image folder `dir` with QEMU attached to this process's terminal
 * and resolves with QEMU's exit code once it ends (0 after a guest
 * power-off). Ctrl-C goes to the guest; Ctrl-A X quits QEMU. While QEMU runs,
 * SIGINT and SIGTERM sent to this process are passed on to QEMU, so that the
 * caller gets an exit code and the terminal is restored by QEMU.
 * Throws like `bootImage`.
 */
export async function runInteractive(dir: string, options: BootOptions = {}): Promise<number> {
  const { command, qemuPackage } = await imageCommand(dir, options, 'terminal');
  return runInTerminal(command, qemuPackage);
}

/** Runs a QEMU command with its console on this terminal; resolves with QEMU's exit code. */
export async function runInTerminal(command: QemuCommand, qemuPackage: string): Promise<number> {
  const child = spawn(command.binary, command.args, { stdio: 'inherit' });
  await spawned(child, command, qemuPackage);
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve) => {
      child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}

async function imageCommand(
  dir: string,
  options: BootOptions,
  console: 'pipe' | 'terminal',
): Promise<{ command: QemuCommand; qemuPackage: string }> {
  const image = await readImageDir(dir);
  const cmdline = options.appendCmdline ? `${image.cmdline} ${options.appendCmdline}` : image.cmdline;
  // An explicit memory size wins over the image's own (its spec's `qemu.memory`), which wins over the target's.
  const memoryMiB = options.memoryMiB ?? image.memoryMiB;
  const command = qemuCommand(image.target, { ...options, memoryMiB, kernel: image.kernel, initrd: image.initrd, cmdline, console });
  return { command, qemuPackage: image.target.qemu.package };
}

/** Resolves once the child runs; rejects with QemuSpawnError if it cannot be started (e.g. not installed). */
export function spawned(child: ChildProcess, command: QemuCommand, qemuPackage: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'ENOENT' ? `. install the Debian package ${qemuPackage}` : '';
      reject(new QemuSpawnError(`failed to start ${command.binary}: ${error.message}${hint}`, { cause: error }));
    });
  });
}
