/**
 * A 122-byte x86 multiboot "kernel" that stands in for Linux in tests of the
 * QEMU runner: it prints `echo-kernel: cmdline=<multiboot command line>`,
 * then echoes every byte typed on the serial console, and resets the machine
 * (so QEMU with -no-reboot exits 0) after echoing a `q`. QEMU's `pc` machine
 * loads it through `-kernel` like a Linux bzImage, and it boots in about a
 * second under TCG.
 *
 * ```ts
 * const dir = await writeEchoImage(await mkdtemp(join(tmpdir(), 'imago-')));
 * const vm = await bootImage(dir);
 * ```
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The binary, assembled from `echo-kernel.s` beside this file. Regenerate with:
 * `as --32 -o ek.o echo-kernel.s && ld -m elf_i386 -Ttext=0x100000 -e _start --oformat binary -o ek.bin ek.o && xxd -p ek.bin`
 */
const ECHO_KERNEL_HEX =
  '02b0ad1b00000100fe4f51e40000100000001000000000000000000020001000bc0000090066baf803be64001000e8280000008b7310e8' +
  '20000000b00aee66bafd03eca80174fb66baf803ecee3c7175ed66baf90cb006eef4ebfdac84c07403eeebf8c36563686f2d6b65726e65' +
  '6c3a20636d646c696e653d00';

/** Returns the echo kernel's bytes. */
export function echoKernel(): Buffer {
  return Buffer.from(ECHO_KERNEL_HEX, 'hex');
}

/**
 * Writes an x86_64 image folder (`kernel`, `initrd.img`, `cmdline`,
 * `manifest.json`) holding the echo kernel into `dir`, creating it, and
 * returns `dir`. The initrd is a few bytes that multiboot loads as a module.
 */
export async function writeEchoImage(dir: string, cmdline = 'console=ttyS0 imago.test=1'): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'kernel'), echoKernel());
  await writeFile(join(dir, 'initrd.img'), 'not a cpio\n');
  await writeFile(join(dir, 'cmdline'), `${cmdline}\n`);
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify({ arch: 'x86_64' })}\n`);
  return dir;
}
