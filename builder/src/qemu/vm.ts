/**
 * A handle on one running QEMU process whose serial console is on its stdio.
 *
 * ```ts
 * const vm = await bootImage('out/x86_64');
 * await vm.expect(/imago: ready/, 120_000);
 * await vm.send('status\n');
 * const code = await vm.waitExit(30_000);
 * ```
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import type { QemuCommand } from './command.ts';
import { ConsoleLog, describePattern, type ConsoleLine, type ConsoleMatch, type ConsolePattern } from './console.ts';
import { QemuExitError, QemuTimeoutError } from './errors.ts';

/** How many console lines error messages quote. */
const TAIL_LINES = 40;
/** How much of QEMU's own stderr is kept (its errors are short; guard against floods). */
const STDERR_LIMIT = 64 * 1024;
/** How long `kill` waits after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 3000;

/** Options of a VM handle. */
export interface VmOptions {
  /** Default timeout of `expect` in ms; 60 s unless given. */
  expectTimeoutMs?: number;
  /** Called with every complete console line, e.g. to echo the console live. */
  onLine?: (line: ConsoleLine) => void;
}

interface Waiter {
  pattern: ConsolePattern;
  resolve: (match: ConsoleMatch) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A running (or finished) QEMU. Console output is read continuously, so a
 * pattern printed before `expect` is called is still found. Matches consume
 * the console in order (pexpect style): each `expect` searches after the
 * previous match. Call `kill` when done; it is safe to call more than once.
 */
export class Vm {
  /** The command line QEMU was started with. */
  readonly command: QemuCommand;
  /** The console so far: complete lines with their time since spawn, and the full transcript. */
  readonly console = new ConsoleLog();
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly startedAt: number;
  private readonly options: VmOptions;
  private readonly waiters: Waiter[] = [];
  private readonly exited: Promise<number>;
  private exitCode: number | undefined;
  private stderrText = '';

  /**
   * Wraps a QEMU child spawned with piped stdio at `startedAt` (a
   * `performance.now()` value). Use `bootImage` rather than calling this.
   */
  constructor(child: ChildProcessWithoutNullStreams, command: QemuCommand, startedAt: number, options: VmOptions = {}) {
    this.child = child;
    this.command = command;
    this.startedAt = startedAt;
    this.options = options;
    const decoder = new StringDecoder('utf8');
    child.stdout.on('data', (chunk: Buffer) => this.receive(decoder.write(chunk)));
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrText = (this.stderrText + chunk.toString('utf8')).slice(-STDERR_LIMIT);
    });
    // Writing to a QEMU that has just exited raises EPIPE here; `send` reports it instead.
    child.stdin.on('error', () => {});
    // A test runner that exits mid-test must not leave an emulator spinning.
    const killOnExit = () => child.kill('SIGKILL');
    process.on('exit', killOnExit);
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        process.off('exit', killOnExit);
        this.receive(decoder.end());
        const line = this.console.end(this.elapsedMs());
        if (line) this.options.onLine?.(line);
        this.exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
        for (const waiter of this.waiters.splice(0)) {
          clearTimeout(waiter.timer);
          waiter.reject(new QemuExitError(this.failure(`QEMU exited with code ${this.exitCode} while waiting for ${describePattern(waiter.pattern)}`), this.exitCode));
        }
        resolve(this.exitCode);
      });
    });
  }

  /** QEMU's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Complete console lines so far, each with the ms since spawn at which it ended. */
  get lines(): readonly ConsoleLine[] {
    return this.console.lines;
  }

  /** QEMU's own stderr so far (its error messages; the guest console is on stdout). */
  get stderr(): string {
    return this.stderrText;
  }

  /** The exit code once QEMU has exited, otherwise undefined. */
  get exitStatus(): number | undefined {
    return this.exitCode;
  }

  /** Milliseconds since QEMU was spawned. */
  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /**
   * Waits until `pattern` appears on the console after the previous match and
   * returns the match. Rejects with QemuTimeoutError after `timeoutMs`
   * (default from the options, else 60 s), or with QemuExitError if QEMU
   * exits first; both messages quote the last 40 console lines.
   */
  expect(pattern: ConsolePattern, timeoutMs = this.options.expectTimeoutMs ?? 60_000): Promise<ConsoleMatch> {
    const found = this.console.match(pattern);
    if (found) return Promise.resolve(found);
    if (this.exitCode !== undefined) {
      return Promise.reject(new QemuExitError(this.failure(`QEMU exited with code ${this.exitCode} while waiting for ${describePattern(pattern)}`), this.exitCode));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        pattern,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new QemuTimeoutError(this.failure(`timed out after ${seconds(timeoutMs)} waiting for ${describePattern(pattern)}`)));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Types `text` into the serial console, exactly as given (add `\n` to end a
   * line). Resolves once QEMU has the bytes; rejects if QEMU has exited.
   */
  send(text: string): Promise<void> {
    if (this.exitCode !== undefined) {
      return Promise.reject(new QemuExitError(`cannot send to the console: QEMU exited with code ${this.exitCode}`, this.exitCode));
    }
    return new Promise((resolve, reject) => {
      this.child.stdin.write(text, (error) => (error ? reject(new Error('failed to send to the console', { cause: error })) : resolve()));
    });
  }

  /**
   * Waits for QEMU to exit and returns its exit code (0 after a guest
   * power-off or reboot; 128 + signal number if a signal ended it). Rejects
   * with QemuTimeoutError after `timeoutMs`; QEMU keeps running then.
   */
  waitExit(timeoutMs = 60_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QemuTimeoutError(this.failure(`timed out after ${seconds(timeoutMs)} waiting for QEMU to exit`))), timeoutMs);
    });
    return Promise.race([this.exited, timeout]).finally(() => clearTimeout(timer));
  }

  /**
   * Stops QEMU: SIGTERM, then SIGKILL if it is still running after 3 s.
   * Resolves with the exit code; does nothing more if QEMU already exited.
   */
  async kill(): Promise<number> {
    if (this.exitCode !== undefined) return this.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), KILL_GRACE_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private receive(text: string): void {
    if (text === '') return;
    const lines = this.console.push(text, this.elapsedMs());
    if (this.options.onLine) for (const line of lines) this.options.onLine(line);
    while (this.waiters.length > 0) {
      const waiter = this.waiters[0]!;
      const found = this.console.match(waiter.pattern);
      if (!found) break;
      this.waiters.shift();
      clearTimeout(waiter.timer);
      waiter.resolve(found);
    }
  }

  /** A failure message with the elapsed time, QEMU's stderr and the console tail. */
  private failure(what: string): string {
    const parts = [`${what} (${seconds(this.elapsedMs())} since QEMU started)`];
    const stderr = this.stderrText.trim();
    if (stderr) parts.push(`QEMU stderr:\n${stderr.split('\n').slice(-15).join('\n')}`);
    const tail = this.console.tail(TAIL_LINES);
    parts.push(tail.length > 0 ? `last ${tail.length} console lines:\n${tail.join('\n')}` : 'the console printed nothing');
    return parts.join('\n');
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
