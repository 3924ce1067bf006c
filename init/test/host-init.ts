/**
 * Runs the real static init (x86_64, the same bytes as in an image) on the
 * build host as an ordinary process: it supervises real processes as a child
 * subreaper, from a config the builder makes out of a spec snippet.
 *
 *   const init = await startInit('services:\n  - name: a\n    command: sleep 100\n');
 *   await init.waitForLog('init', /started a/);
 *   const status = await init.ctl('--json', 'status');
 *   await init.stop();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInitConfig } from '../../builder/src/plan/init-config.ts';
import { UserDatabase } from '../../builder/src/plan/users.ts';
import { addBaseLayout } from '../../builder/src/plan/base-layout.ts';
import { addAccountFiles, planAccounts } from '../../builder/src/plan/image-accounts.ts';
import { silentProgress } from '../../builder/src/progress.ts';
import { buildInit, fetchQuickjsSource } from '../../builder/src/init-binary/index.ts';
import { parseSpec } from '../../builder/src/spec/parse.ts';
import { renderProblem } from '../../builder/src/spec/problem.ts';
import { Tree } from '../../builder/src/tree/tree.ts';
import { x86_64 } from '../../targets/x86_64.ts';

let binaryPath: Promise<string> | undefined;

/** Builds (or reuses from the cache) the x86_64 init and returns the path of a copy with an imagoctl link beside it. */
export function hostInit(): Promise<string> {
  binaryPath ??= (async () => {
    const quickjs = await fetchQuickjsSource(silentProgress);
    const { binary } = await buildInit({ target: x86_64, quickjsDir: quickjs.dir, quickjsVersion: quickjs.version, progress: silentProgress });
    const dir = mkdtempSync(join(tmpdir(), 'imago-host-init-'));
    writeFileSync(join(dir, 'init'), binary, { mode: 0o755 });
    symlinkSync('init', join(dir, 'imagoctl'));
    return join(dir, 'init');
  })();
  return binaryPath;
}

export interface RunningInit {
  dir: string;
  logDir: string;
  socket: string;
  process: ChildProcess;
  /** Everything the init printed so far. */
  output(): string;
  /** A log file's contents ('' when it does not exist yet). */
  log(source: string): string;
  /** Resolves when a line matching `pattern` is in the source's log file. */
  waitForLog(source: string, pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Runs imagoctl against this init; returns stdout, throws with stderr on failure. */
  ctl(...args: string[]): string;
  /** The init's resident memory in KiB. */
  rssKb(): number;
  /** Sends SIGTERM and waits for the init to stop its services and exit. */
  stop(): Promise<number | null>;
}

/** Starts the init on a spec snippet (version, name and an empty network are added). */
export async function startInit(specBody: string, options: { beforeStart?: (logDir: string) => void; /** More arguments for the init, e.g. --control-idle-timeout. */ args?: string[] } = {}): Promise<RunningInit> {
  const init = await hostInit();
  const text = `version: 1\nname: host-test\nnetwork:\n  interfaces: []\n${specBody}`;
  const { spec, problems } = parseSpec(text, 'host-test.yml');
  if (!spec) throw new Error(problems.map(renderProblem).join('\n'));
  const tree = new Tree();
  addBaseLayout(tree, 'host-test');
  // The accounts an image gets (base-passwd's, then the spec's users:), as the build writes them.
  addAccountFiles(tree, planAccounts({ tree, spec, packages: [], packagesPath: ['packages'] }).accounts);
  const { config, problems: configProblems } = buildInitConfig(spec, new UserDatabase(tree), []);
  if (configProblems.length) throw new Error(configProblems.map((p) => p.message).join('\n'));

  const dir = mkdtempSync(join(tmpdir(), 'imago-supervise-'));
  const logDir = join(dir, 'log');
  mkdirSync(logDir);
  options.beforeStart?.(logDir);
  const socket = join(dir, 'control.sock');
  writeFileSync(join(dir, 'init.json'), JSON.stringify(config));
  const child = spawn(init, ['--config', join(dir, 'init.json'), '--log-dir', logDir, '--control', socket, ...(options.args ?? [])], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const running: RunningInit = {
    dir,
    logDir,
    socket,
    process: child,
    output: () => output,
    log: (source) => {
      // No existsSync first: the init may rotate the file away between the two calls.
      try {
        return readFileSync(join(logDir, `${source}.log`), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
        throw error;
      }
    },
    async waitForLog(source, pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = running.log(source).split('\n').find((line) => pattern.test(line));
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`the init exited (${child.exitCode}) before ${source} logged ${pattern}\n${output}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} in ${source}.log\n--- ${source}.log\n${running.log(source)}\n--- init output\n${output.slice(-3000)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    ctl(...args) {
      const result = spawnSync(join(init, '..', 'imagoctl'), ['--socket', socket, ...args], { encoding: 'utf8', timeout: 10_000 });
      if (result.status !== 0) throw new Error(`imagoctl ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
      return result.stdout;
    },
    rssKb() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timeout);
      return code;
    },
  };
  await new Promise((resolve) => setTimeout(resolve, 20));
  return running;
}
