/**
 * Running imago images in QEMU: the command line, the console reader and the
 * VM handle. Usage: `const vm = await bootImage('out/x86_64'); await vm.expect('ready'); await vm.kill();`
 */
export { bootImage, runInteractive, type BootOptions } from './boot.ts';
export { qemuCommand, qemuDiskCommand, type ConsoleMode, type PortForward, type QemuCommand, type QemuCommandOptions } from './command.ts';
export { ConsoleLog, describePattern, type ConsoleLine, type ConsoleMatch, type ConsolePattern } from './console.ts';
export { ImageDirError, QemuExitError, QemuOptionError, QemuSpawnError, QemuTimeoutError } from './errors.ts';
export { readImageDir, type ImageDir } from './image-dir.ts';
export { Vm, type VmOptions } from './vm.ts';
export { bootDisk, diskCommand, runDiskInteractive, type DiskBootOptions } from './boot-disk.ts';
