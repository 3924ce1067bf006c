/**
 * The device side of the fleet benchmark: the agent's memory once it is
 * connected (the x86_64 agent binary an image carries, run on this machine
 * against a real init and a real `fleet serve`), its size on every
 * architecture whose cross compiler is installed, the init's size beside it,
 * and proof that `fleet:` leaves the init alone: an image with and without
 * it carries the same init bytes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAgent } from '../../builder/src/agent-binary/index.ts';
import { build } from '../../builder/src/build/build.ts';
import { buildOptions } from '../../builder/src/build/options.ts';
import { buildInit, fetchQuickjsSource } from '../../builder/src/init-binary/index.ts';
import { silentProgress } from '../../builder/src/progress.ts';
import { startCliFleet } from '../../fleet/test/cli-fleet.ts';
import { startAgent } from '../../init/test/host-agent.ts';
import { startInit } from '../../init/test/host-init.ts';
import { markdownTable } from '../../qemu-tests/matrix-rows.ts';
import { targets } from '../../targets/index.ts';
import { processUsage } from './process-usage.ts';

const settleMs = 20_000;

/** The agent's VmRSS and VmHWM in KiB after it activated and held polls for a while. */
async function agentMemory(log: (text: string) => void): Promise<{ rssKiB: number; peakKiB: number }> {
  const fleet = await startCliFleet();
  const init = await startInit(`services:\n  - name: ticker\n    command: awk 'BEGIN { for (i = 1; ; i++) { print "tick", i; fflush(); system("sleep 1") } }'\n`);
  try {
    const token = readFileSync(await fleet.batch('agent', 1), 'utf8').trim();
    const agent = await startAgent({ server: { host: '127.0.0.1', port: fleet.port, name: 'localhost' }, caPem: readFileSync(fleet.caFile, 'utf8'), token, control: init.socket, pollWaitSeconds: 25 });
    try {
      await agent.waitForOutput(/connected to /, 60_000);
      log(`agent connected; measuring its memory after ${settleMs / 1000} s, with a log follow`);
      // A follow keeps a stream open, as an operator watching the device would.
      const follow = fleet.follow(['logs', /activated as (\S+)/.exec(agent.output())![1]!, 'ticker', '-f', '-n', '5']);
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      const usage = processUsage(agent.process.pid!);
      await follow.stop();
      return { rssKiB: usage.rssKiB, peakKiB: usage.peakKiB };
    } finally {
      await agent.stop();
    }
  } finally {
    await init.stop();
    await fleet.close();
  }
}

/** The init's sha256 in the manifests of bench/spec.yml built without and with `fleet:`. */
async function initWithAndWithoutFleet(log: (text: string) => void): Promise<[string, string]> {
  const fleet = await startCliFleet();
  const work = mkdtempSync(join(tmpdir(), 'imago-bench-fleet-'));
  try {
    const token = await fleet.batch('image', 1);
    const plain = readFileSync('bench/spec.yml', 'utf8');
    writeFileSync(join(work, 'plain.yml'), plain);
    writeFileSync(join(work, 'fleet.yml'), `${plain}\ntime:\n  servers: [10.0.2.2]\nfleet:\n  server: 10.0.2.2:${fleet.port}\n  ca: ${fleet.caFile}\n  token: ${token}\n  identity: ephemeral\n`);
    const digests: string[] = [];
    for (const name of ['plain', 'fleet']) {
      log(`building bench/spec.yml ${name === 'fleet' ? 'with' : 'without'} fleet: (x86_64)`);
      const [image] = await build(join(work, `${name}.yml`), buildOptions({ outDir: join(work, name), arch: ['x86_64'] }));
      digests.push(JSON.parse(readFileSync(join(image!.dir, 'manifest.json'), 'utf8')).init.sha256);
    }
    return digests as [string, string];
  } finally {
    rmSync(work, { recursive: true, force: true });
    await fleet.close();
  }
}

export async function agentFigures(log: (text: string) => void): Promise<string> {
  const memory = await agentMemory(log);
  const quickjs = await fetchQuickjsSource(silentProgress);
  const rows: string[][] = [];
  for (const target of Object.values(targets)) {
    if (!existsSync(`/usr/bin/${target.triplet}-gcc`)) continue;
    log(`agent and init for ${target.name}`);
    const agent = await buildAgent({ target, quickjsDir: quickjs.dir, progress: silentProgress });
    const init = await buildInit({ target, quickjsDir: quickjs.dir, quickjsVersion: quickjs.version, progress: silentProgress });
    rows.push([target.name, agent.binary.length.toLocaleString('en'), init.binary.length.toLocaleString('en')]);
  }
  const [plain, withFleet] = await initWithAndWithoutFleet(log);
  const kib = (n: number) => `${n.toLocaleString('en')} KiB (${(n / 1024).toFixed(2)} MiB)`;
  return [
    `\nThe agent on a device (x86_64 agent binary on this machine, connected to a real fleet serve through a real init, after ${settleMs / 1000} s with an operator following a log; goal under 3 MiB):\n`,
    `  VmRSS ${kib(memory.rssKiB)}, VmHWM (peak) ${kib(memory.peakKiB)}\n\n`,
    markdownTable(['arch', 'agent bytes', 'init bytes'], rows),
    `\nThe init in bench/spec.yml's image without fleet: ${plain.slice(0, 16)}..., with fleet: ${withFleet.slice(0, 16)}...: ${plain === withFleet ? 'the same bytes' : 'DIFFERENT'}\n`,
  ].join('');
}
