/**
 * The QEMU command line for booting an imago image, as a pure function of the
 * target and the image files.
 *
 * ```ts
 * const { binary, args } = qemuCommand(x86_64, {
 *   kernel: 'out/x86_64/kernel', initrd: 'out/x86_64/initrd.img',
 *   cmdline: 'console=ttyS0', forwards: [{ host: 8080, guest: 80 }],
 * });
 * ```
 */
import type { Target } from '../../../targets/types.ts';
import { QemuOptionError } from './errors.ts';

/** One port forwarded from the host's loopback interface into the guest (QEMU user networking). */
export interface PortForward {
  /** Host port, bound on 127.0.0.1 only. */
  host: number;
  /** Guest port. */
  guest: number;
  /** Defaults to `tcp`. */
  protocol?: 'tcp' | 'udp';
}

/**
 * How the serial console is wired to QEMU's stdio.
 * - `pipe`: for programs reading the console (tests, benches); no monitor.
 * - `terminal`: for a person at a terminal, like `-nographic`: Ctrl-C reaches
 *   the guest, Ctrl-A X quits QEMU, Ctrl-A C switches to the QEMU monitor.
 */
export type ConsoleMode = 'pipe' | 'terminal';

/** How the machine is set up, whatever it boots. */
export interface MachineOptions {
  /** Ports forwarded into the guest; none by default. */
  forwards?: PortForward[];
  /** Guest RAM; defaults to the target's `memoryMiB`. */
  memoryMiB?: number;
  /** Number of virtual CPUs; QEMU's default (1) when unset. */
  smp?: number;
  /** Accelerator; defaults to `tcg` (software emulation; this project's hosts have no usable KVM). */
  accel?: 'tcg' | 'kvm';
  /** Defaults to `pipe`. */
  console?: ConsoleMode;
  /** Appended after the target's own `extraArgs`. */
  extraArgs?: string[];
}

/** Everything `qemuCommand` needs besides the target. */
export interface QemuCommandOptions extends MachineOptions {
  /** Path of the kernel image. */
  kernel: string;
  /** Path of the initramfs. */
  initrd: string;
  /** The kernel command line, passed as is. */
  cmdline: string;
}

/** Everything `qemuDiskCommand` needs besides the target. */
export interface QemuDiskOptions extends MachineOptions {
  /** Path of the raw disk image, attached as `diskBus` says. */
  disk: string;
  /** The firmware QEMU starts instead of a kernel: UEFI, or U-Boot on U-Boot boards; absent, QEMU's own BIOS (SeaBIOS) boots the disk. */
  firmware?: string;
  /**
   * How the disk is attached: a virtio block device (default), or IDE, where
   * the firmware reads no virtio (U-Boot on malta: builder/src/uboot/boards.ts).
   */
  diskBus?: 'virtio' | 'ide';
}

/** A program and its arguments, ready for `spawn`. */
export interface QemuCommand {
  /** The QEMU program, e.g. `qemu-system-x86_64` (looked up on PATH). */
  binary: string;
  /** Its arguments, one per element; no shell quoting needed. */
  args: string[];
}

/**
 * Builds the QEMU command line that boots `kernel` + `initrd` on `target`
 * with the serial console on stdio, user-mode networking, a virtio RNG fed
 * from the host's /dev/urandom, and `-no-reboot` so that a guest power-off
 * or reboot ends QEMU with exit code 0.
 *
 * `-nodefaults` drops QEMU's default VGA, monitor, parallel port, floppy and
 * CD-ROM: the console is the only I/O, and an unused VGA BIOS costs boot time.
 *
 * Throws when a port forward or the memory size is not a valid number.
 */
export function qemuCommand(target: Target, options: QemuCommandOptions): QemuCommand {
  return machineCommand(target, options, ['-kernel', options.kernel, '-initrd', options.initrd, '-append', options.cmdline], false);
}

/**
 * The command line that boots a raw disk image through UEFI firmware, or
 * QEMU's BIOS when none is given, as a device would. Unlike a kernel boot, a guest reboot restarts the machine
 * (no `-no-reboot`) so the bootloader picks the slot; a power-off still ends QEMU.
 */
export function qemuDiskCommand(target: Target, options: QemuDiskOptions): QemuCommand {
  const file = `file=${optionValue(options.disk)},format=raw`;
  const disk = options.diskBus === 'ide'
    ? ['-drive', `${file},if=ide,index=0,cache=writeback`]
    : ['-drive', `${file},if=none,id=disk0,cache=writeback`, '-device', 'virtio-blk-pci,drive=disk0'];
  const firmware = options.firmware ? ['-bios', options.firmware] : [];
  return machineCommand(target, options, [...firmware, ...disk], true);
}

/**
 * A value inside a QEMU option list such as -drive's: QEMU splits the list at
 * each single comma and reads ",," as one comma, so commas are doubled.
 */
function optionValue(value: string): string {
  return value.replaceAll(',', ',,');
}

function machineCommand(target: Target, options: MachineOptions, bootArgs: string[], reboots: boolean): QemuCommand {
  const q = target.qemu;
  const memory = options.memoryMiB ?? q.memoryMiB;
  if (!Number.isInteger(memory) || memory <= 0) {
    throw new QemuOptionError(`memoryMiB: invalid value ${memory}: expected a positive whole number of MiB`);
  }
  const accel = options.accel ?? 'tcg';
  const args: string[] = ['-nodefaults', ...(reboots ? [] : ['-no-reboot']), '-M', q.machine];
  if (q.cpu) args.push('-cpu', q.cpu);
  args.push('-accel', accel === 'tcg' && (options.smp ?? 1) > 1 ? 'tcg,thread=multi' : accel);
  args.push('-m', String(memory));
  if (options.smp !== undefined) args.push('-smp', String(options.smp));
  args.push('-display', 'none', ...consoleArgs(options.console ?? 'pipe'));
  args.push(...bootArgs);
  const netdev = ['user', 'id=n0', ...(options.forwards ?? []).map(hostfwd)].join(',');
  args.push('-netdev', netdev, '-device', `${q.netDevice},netdev=n0`);
  if (q.rngDevice) {
    args.push('-object', 'rng-random,filename=/dev/urandom,id=rng0', '-device', `${q.rngDevice},rng=rng0`);
  }
  args.push(...q.extraArgs, ...(options.extraArgs ?? []));
  return { binary: q.binary, args };
}

/** QEMU's serial console wiring for `mode`. */
function consoleArgs(mode: ConsoleMode): string[] {
  if (mode === 'pipe') return ['-chardev', 'stdio,id=con0,signal=off', '-serial', 'chardev:con0'];
  // The same wiring as -nographic: serial and monitor multiplexed on stdio,
  // the terminal in raw mode, and no SIGINT from Ctrl-C (it goes to the guest).
  return [
    '-chardev', 'stdio,id=con0,mux=on,signal=off',
    '-serial', 'chardev:con0',
    '-mon', 'chardev=con0,mode=readline',
  ];
}

function hostfwd(forward: PortForward): string {
  for (const [name, port] of [['host', forward.host], ['guest', forward.guest]] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new QemuOptionError(`forwards: invalid ${name} port ${port}: expected a whole number from 1 to 65535`);
    }
  }
  return `hostfwd=${forward.protocol ?? 'tcp'}:127.0.0.1:${forward.host}-:${forward.guest}`;
}
