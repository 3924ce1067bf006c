/**
 * Runs the real fleet agent binary (x86_64, the bytes an image carries) on the
 * build host as an ordinary process, pointed at a real init's control socket
 * and a real fleet server on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FleetAgentConfig } from '../../contract/index.ts';
import { silentProgress } from '../../builder/src/progress.ts';
import { fetchQuickjsSource } from '../../builder/src/init-binary/index.ts';
import { x86_64 } from '../../targets/x86_64.ts';

// Built by builder/src/agent-binary (branch wt-tls); imported by a computed path so this file
// loads, and says what is missing, before that module exists.
const agentBuilder = '../../builder/src/agent-binary/index.ts';

let binaryPath: Promise<string> | undefined;

export function hostAgent(): Promise<string> {
  binaryPath ??= (async () => {
    let buildAgent: (options: Record<string, unknown>) => Promise<{ binary: Uint8Array }>;
    try {
      ({ buildAgent } = await import(agentBuilder));
    } catch (error) {
      throw new Error(`the agent binary cannot be built here: ${agentBuilder} (buildAgent, branch wt-tls) is missing: ${String(error)}`);
    }
    const quickjs = await fetchQuickjsSource(silentProgress);
    const { binary } = await buildAgent({ target: x86_64, quickjsDir: quickjs.dir, quickjsVersion: quickjs.version, progress: silentProgress });
    const dir = mkdtempSync(join(tmpdir(), 'imago-host-agent-'));
    writeFileSync(join(dir, 'imago-agent'), binary, { mode: 0o755 });
    return join(dir, 'imago-agent');
  })();
  return binaryPath;
}

export interface RunningAgent {
  dir: string;
  process: ChildProcess;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the agent with a fleet.json for `server`, its CA and token in a fresh folder; the clock marker is there unless `clockSet` is false. */
/** `dir`: the folder of an agent that ran before (its state, a device's /data), for a restart. */
export async function startAgent(options: { server: { host: string; port: number; name: string }; caPem: string; token: string; control: string; clockSet?: boolean; pollWaitSeconds?: number; dir?: string; logDir?: string }): Promise<RunningAgent> {
  const agent = await hostAgent();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'imago-agent-'));
  writeFileSync(join(dir, 'ca.pem'), options.caPem);
  writeFileSync(join(dir, 'token'), `${options.token}\n`);
  if (options.clockSet !== false) writeFileSync(join(dir, 'clock-set'), '');
  const config: FleetAgentConfig = {
    server: options.server,
    caFile: join(dir, 'ca.pem'),
    tokenFile: join(dir, 'token'),
    identity: 'persistent',
    stateDir: join(dir, 'state'),
    image: 'host-test',
    version: '1.0.0',
    arch: 'x86_64',
    pollWaitSeconds: options.pollWaitSeconds ?? 20,
  };
  writeFileSync(join(dir, 'fleet.json'), JSON.stringify(config));
  const child = spawn(agent, ['--config', join(dir, 'fleet.json'), '--control', options.control, '--clock-file', join(dir, 'clock-set'), ...(options.logDir ? ['--log-dir', options.logDir] : [])], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    dir,
    process: child,
    output: () => output,
    async waitForOutput(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = output.split('\n').find((line) => pattern.test(line));
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`the agent exited (${child.exitCode}) before printing ${pattern}\n${output}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} from the agent\n${output.slice(-3000)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
