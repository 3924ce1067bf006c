/**
 * A fleet driven only through the `imago fleet` CLI a user runs: `fleet init`,
 * `operator add`, one or more `fleet serve` child processes on loopback
 * ports, and operator commands each as their own process. Used by the QEMU
 * tests (qemu-tests/fleet-helpers.ts) and the fleet benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../qemu-tests/free-port.ts';

const imago = resolve(new URL('../../bin/imago', import.meta.url).pathname);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command that keeps running (`fleet logs -f`): its output so far and each line's arrival time. */
export interface FollowingCli {
  lines: { text: string; at: number }[];
  /** The next line (after the last one waited for) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<{ text: string; at: number; match: RegExpExecArray }>;
  stop(): Promise<void>;
}

export interface CliFleet {
  dir: string;
  /** The first server's port (the operator profile's). */
  port: number;
  /** Every server's port: several `fleet serve` share one PostgreSQL. */
  ports: number[];
  /** The operator profile file (server: the first server). */
  profile: string;
  /** The `fleet serve` processes, for their memory and CPU. */
  servers: ChildProcess[];
  /** The fleet CA, for a spec's `fleet.ca`. */
  caFile: string;
  /** Runs `imago fleet ARGS` as the operator; resolves when it exits. */
  cli(args: string[], timeoutMs?: number): Promise<CliResult>;
  /** Starts `imago fleet ARGS` as the operator and collects its lines until stopped. */
  follow(args: string[]): FollowingCli;
  /** Creates a batch of `count` activations; returns the token file. */
  batch(name: string, count: number): Promise<string>;
  /** The server's output so far. */
  serverOutput(): string;
  close(): Promise<void>;
}

function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(imago, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`imago ${args.join(' ')} took over ${timeoutMs / 1000} s\n${stdout}${stderr}`));
    }, timeoutMs);
    child.on('error', fail);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, stdout, stderr });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** Lines of a child's stdout as they arrive, each with Date.now() at its arrival. */
function collectLines(child: ChildProcess): FollowingCli['lines'] {
  const lines: FollowingCli['lines'] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const at = Date.now();
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    for (const text of parts) lines.push({ text, at });
  });
  return lines;
}

/** Waits for a line matching `pattern` at or after `cursor.next`, and moves the cursor past it. */
async function waitForLine(lines: FollowingCli['lines'], cursor: { next: number }, pattern: RegExp, timeoutMs: number, what: () => string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (; cursor.next < lines.length; cursor.next++) {
      const match = pattern.exec(lines[cursor.next]!.text);
      if (match) return { ...lines[cursor.next++]!, match };
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${pattern}\n${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface CliFleetOptions {
  /** The address on the server's certificate besides loopback (a guest's view of the host, say). */
  address?: string;
  /** Keep the fleet in PostgreSQL (a connection string) instead of SQLite. */
  postgres?: string;
  /** How many `fleet serve` processes (more than one needs PostgreSQL). */
  servers?: number;
}

/** `fleet init` + `operator add` + `fleet serve` in a temporary folder; the servers listen on 127.0.0.1. */
export async function startCliFleet(options: CliFleetOptions = {}): Promise<CliFleet> {
  const root = await mkdtemp(join(tmpdir(), 'imago-cli-fleet-'));
  const dir = join(root, 'fleet');
  const ports: number[] = [];
  for (let i = 0; i < (options.servers ?? 1); i++) ports.push(await freePort());
  const port = ports[0]!;
  const env = { ...process.env, IMAGO_FLEET_PROFILE: join(dir, 'operators', 'tester.json') };
  const must = async (args: string[], timeoutMs = 60_000) => {
    const result = await run(args, env, timeoutMs);
    if (result.code !== 0) throw new Error(`imago ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
    return result;
  };
  await must(['fleet', 'init', dir, ...(options.address ? ['--address', options.address] : []), '--listen', `127.0.0.1:${port}`, ...(options.postgres ? ['--postgres', options.postgres] : [])]);
  await must(['fleet', 'operator', 'add', 'tester', '--fleet', dir, '--server', `127.0.0.1:${port}`]);
  const servers: ChildProcess[] = [];
  const serverLines: FollowingCli['lines'][] = [];
  let serverOutput = '';
  for (const listen of ports) {
    const server = spawn(imago, ['fleet', 'serve', dir, '--listen', `127.0.0.1:${listen}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stderr!.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
    servers.push(server);
    serverLines.push(collectLines(server));
  }
  const following: FollowingCli[] = [];
  const close = async () => {
    await Promise.all(following.map((f) => f.stop()));
    await Promise.all(servers.map(stopChild));
    await rm(root, { recursive: true, force: true });
  };
  try {
    for (const lines of serverLines) await waitForLine(lines, { next: 0 }, /^fleet: serving /, 60_000, () => serverOutput);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    dir,
    port,
    ports,
    profile: env.IMAGO_FLEET_PROFILE,
    servers,
    caFile: join(dir, 'ca.pem'),
    cli: (args, timeoutMs = 120_000) => run(['fleet', ...args], env, timeoutMs),
    follow(args) {
      const child = spawn(imago, ['fleet', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let errors = '';
      child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      const lines = collectLines(child);
      const cursor = { next: 0 };
      const handle: FollowingCli = {
        lines,
        waitFor: (pattern, timeoutMs = 60_000) => waitForLine(lines, cursor, pattern, timeoutMs, () => `${lines.map((l) => l.text).join('\n')}\n${errors}`),
        stop: () => stopChild(child),
      };
      following.push(handle);
      return handle;
    },
    async batch(name, count) {
      const file = join(root, `${name}.token`);
      await must(['fleet', 'batch', 'create', '--count', String(count), '--expires', '1d', '--name', name, '--out', file]);
      return file;
    },
    serverOutput: () => `${serverLines.flat().map((l) => l.text).join('\n')}\n${serverOutput}`,
    close,
  };
}

