/**
 * Named errors of the QEMU runner, each with a stable `code`. Errors raised
 * while a VM runs carry the console tail so a failure explains itself.
 */

/** The image folder is missing a file or holds an unreadable one (`E_IMAGE_DIR`). */
export class ImageDirError extends Error {
  readonly code = 'E_IMAGE_DIR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageDirError';
  }
}

/** An option for the QEMU command line is out of range (`E_QEMU_OPTION`). */
export class QemuOptionError extends Error {
  readonly code = 'E_QEMU_OPTION';
  constructor(message: string) {
    super(message);
    this.name = 'QemuOptionError';
  }
}

/** The QEMU binary could not be started, e.g. it is not installed (`E_QEMU_SPAWN`). */
export class QemuSpawnError extends Error {
  readonly code = 'E_QEMU_SPAWN';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QemuSpawnError';
  }
}

/** Waiting on the console or for QEMU to exit took longer than allowed (`E_QEMU_TIMEOUT`). */
export class QemuTimeoutError extends Error {
  readonly code = 'E_QEMU_TIMEOUT';
  constructor(message: string) {
    super(message);
    this.name = 'QemuTimeoutError';
  }
}

/** QEMU exited while a console pattern was still awaited (`E_QEMU_EXIT`). */
export class QemuExitError extends Error {
  readonly code = 'E_QEMU_EXIT';
  constructor(
    message: string,
    /** QEMU's exit code (128 + signal number when a signal ended it). */
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'QemuExitError';
  }
}
