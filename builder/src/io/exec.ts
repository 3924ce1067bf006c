import { spawn } from 'node:child_process';
import { ImagoError } from '../errors.ts';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes to write to the child's stdin. */
  input?: Uint8Array | string;
  /** Called with each line the child writes to stdout or stderr, e.g. to drive progress. */
  onLine?: (line: string) => void;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
}

/** A host command that failed; carries the command line and the tail of its stderr. */
export class CommandError extends ImagoError {
  readonly code = 'E_COMMAND';
  constructor(
    readonly command: string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    const tail = stderr.trim().split('\n').slice(-15).join('\n');
    super(`command failed (exit ${exitCode}): ${command.join(' ')}${tail ? `\n${tail}` : ''}`);
  }
}

/**
 * Runs a host program to completion and returns its output; rejects with a
 * CommandError naming the command and its stderr when it exits non-zero.
 */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: 'pipe' });
    const out: Buffer[] = [];
    let err = '';
    let pending = '';
    const feed = (chunk: string) => {
      if (!options.onLine) return;
      pending += chunk;
      const lines = pending.split(/\r?\n|\r/);
      pending = lines.pop() ?? '';
      for (const line of lines) options.onLine(line);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
      if (options.onLine) feed(chunk.toString('utf8'));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
      feed(chunk.toString('utf8'));
    });
    child.on('error', (error) => reject(new CommandError([command, ...args], null, String(error))));
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout: Buffer.concat(out), stderr: err });
      else reject(new CommandError([command, ...args], code, err));
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}
