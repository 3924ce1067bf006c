/**
 * Named errors of the QEMU runner, each with a stable `code`. Errors raised
 * while a VM runs carry the console tail so a failure explains itself. All
 * extend ImagoError, so the CLI prints them as messages, not as crashes.
 */
import { ImagoError } from '../errors.ts';

/** The image folder is missing a file or holds an unreadable one (`E_IMAGE_DIR`). */
export class ImageDirError extends ImagoError {
  readonly code = 'E_IMAGE_DIR';
}

/** An option for the QEMU command line is out of range (`E_QEMU_OPTION`). */
export class QemuOptionError extends ImagoError {
  readonly code = 'E_QEMU_OPTION';
}

/** The QEMU binary could not be started, e.g. it is not installed (`E_QEMU_SPAWN`). */
export class QemuSpawnError extends ImagoError {
  readonly code = 'E_QEMU_SPAWN';
}

/** Waiting on the console or for QEMU to exit took longer than allowed (`E_QEMU_TIMEOUT`). */
export class QemuTimeoutError extends ImagoError {
  readonly code = 'E_QEMU_TIMEOUT';
}

/** QEMU exited while a console pattern was still awaited (`E_QEMU_EXIT`). */
export class QemuExitError extends ImagoError {
  readonly code = 'E_QEMU_EXIT';
  constructor(
    message: string,
    /** QEMU's exit code (128 + signal number when a signal ended it). */
    readonly exitCode: number,
  ) {
    super(message);
  }
}
