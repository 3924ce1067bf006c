/**
 * Helpers for the QEMU scenario tests: boot a built image, always stop QEMU,
 * and keep the console transcript of failed tests in `out/qemu-logs/`.
 *
 * ```ts
 * test('boots to ready', (t) =>
 *   withImage('out/x86_64', async (vm) => {
 *     await vm.expect('imago: ready', TCG_TIMEOUTS.bootMs);
 *     t.pass();
 *   }, { test: t }));
 * ```
 *
 * Set `IMAGO_QEMU_ECHO=1` to copy every console line to stderr as it arrives.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { bootImage, type BootOptions, type ConsoleLine, type Vm } from '../builder/src/qemu/index.ts';

export { bootImage, type BootOptions, type ConsoleLine, type ConsoleMatch, type Vm } from '../builder/src/qemu/index.ts';

/**
 * Timeouts for software emulation on a loaded 2-core host, where a Debian
 * bzImage takes up to ~20 s to reach /init (see shared/reference/targets.md).
 */
export const TCG_TIMEOUTS = Object.freeze({
  /** From QEMU start to the image's ready marker. */
  bootMs: 180_000,
  /** Default for every `vm.expect` in a scenario. */
  expectMs: 120_000,
  /** From a power-off request to QEMU's exit. */
  exitMs: 60_000,
});

/** The part of an ava ExecutionContext the harness reads: the title names the log, `passed` reveals failed assertions. */
export interface TestInfo {
  readonly title: string;
  readonly passed: boolean;
}

/** Options of `withImage`: boot options plus where to report. */
export interface ImageTestOptions extends BootOptions {
  /** The running test (pass ava's `t`); its title names the log, and a failed assertion counts as failure. */
  test?: TestInfo;
  /** Log name when no `test` is given; defaults to `vm`. */
  name?: string;
  /** Where failure logs go; defaults to `qemu-logs/` beside the image folder (`out/qemu-logs/`). */
  logDir?: string;
}

/**
 * Boots the image in `outDir`, runs `fn` with the VM, and always kills QEMU
 * afterwards. When `fn` throws or the test has a failed assertion, writes
 * the timed console transcript, QEMU's command line and its stderr to
 * `<logDir>/<test name>.log`, and appends that path to the thrown error's
 * message. Returns what `fn` returns; rethrows what `fn` or `bootImage` throws.
 */
export async function withImage<T>(outDir: string, fn: (vm: Vm) => Promise<T>, options: ImageTestOptions = {}): Promise<T> {
  const { test, name, logDir, ...boot } = options;
  const echo = process.env.IMAGO_QEMU_ECHO ? (line: ConsoleLine) => echoLine(line) : undefined;
  const vm = await bootImage(outDir, {
    expectTimeoutMs: TCG_TIMEOUTS.expectMs,
    ...boot,
    onLine: (line) => {
      echo?.(line);
      boot.onLine?.(line);
    },
  });
  let failure: unknown;
  let failed = false;
  try {
    return await fn(vm);
  } catch (error) {
    failed = true;
    failure = error;
    throw error;
  } finally {
    await vm.kill();
    if (failed || test?.passed === false) {
      const path = join(logDir ?? join(dirname(resolve(outDir)), 'qemu-logs'), `${logName(test?.title ?? name ?? 'vm')}.log`);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, renderLog(vm));
      if (failure instanceof Error) failure.message += `\nconsole transcript: ${path}`;
    }
  }
}

/** A file name from a test title: anything but letters, digits, `.`, `_` and `-` becomes `-`. */
export function logName(title: string): string {
  return title.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'vm';
}

/** The failure log: command line, exit status, QEMU's stderr, then every console line with its time. */
export function renderLog(vm: Vm): string {
  const header = [
    `# command: ${[vm.command.binary, ...vm.command.args].map(quote).join(' ')}`,
    `# exit: ${vm.exitStatus ?? 'running'}`,
    ...vm.stderr.trim().split('\n').filter(Boolean).map((line) => `# stderr: ${line}`),
  ];
  const lines = vm.lines.map((line) => `[${(line.ms / 1000).toFixed(3).padStart(8)}] ${line.text}`);
  if (vm.console.unfinished) lines.push(`[ unfinished ] ${vm.console.unfinished}`);
  return `${[...header, ...lines].join('\n')}\n`;
}

function echoLine(line: ConsoleLine): void {
  process.stderr.write(`[${(line.ms / 1000).toFixed(3).padStart(8)}] ${line.text}\n`);
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
