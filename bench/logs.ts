/**
 * `make bench`: how fast a chatty service's output reaches /var/log under TCG
 * on x86_64, and what it costs the init. Boots bench/logs.yml twice, with
 * console copies on and off; in each boot a service floods 100-byte lines and
 * a meter in the guest reports bytes per second into /var/log/flood.log, the
 * init's CPU share (utime + stime of PID 1) and the lines that did not reach
 * the console, over a 20 s window.
 *
 *   node --import tsx bench/logs.ts [--mode on|off]
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../builder/src/build/build.ts';
import { buildOptions } from '../builder/src/build/options.ts';
import { terminalProgress } from '../builder/src/cli/progress.ts';
import { bootImage } from '../builder/src/qemu/index.ts';
import { markdownTable } from '../qemu-tests/matrix-rows.ts';

const spec = 'bench/logs.yml';
const consoleOn = 'console: true';
const argument = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const modes = (argument('--mode') ?? 'on,off').split(',').map((mode) => mode === 'on');
const log = (text: string) => process.stderr.write(`${text}\n`);

/** The spec with console copies switched off: the same image otherwise. */
async function writeQuietSpec(work: string): Promise<string> {
  const text = await readFile(spec, 'utf8');
  if (!text.includes(consoleOn)) throw new Error(`${spec}: logs: expected "${consoleOn}" to switch off for the quiet run`);
  const path = join(work, 'logs-quiet.yml');
  await writeFile(path, text.replace(consoleOn, 'console: false'));
  return path;
}

interface LogBenchResult {
  /** The service's own bytes per second (100-byte lines). */
  serviceMBps: number;
  /** Bytes per second appended to /var/log/flood.log: the lines plus their timestamps. */
  fileMBps: number;
  /** PID 1's share of the guest's one CPU over the window. */
  initCpuPercent: number;
  /** Lines of the service that did not reach the console during the window. */
  consoleDropped: number;
}

/** Reads the meter's line: bytes=B centis=C ticks=T linebytes=L consoledropped=D (see bench/logs.yml). */
function parseLogBench(line: string): LogBenchResult {
  const field = (name: string) => {
    const value = Number(new RegExp(`\\b${name}=(\\d+)`).exec(line)?.[1]);
    if (!Number.isFinite(value)) throw new Error(`the meter's line has no ${name}=<number>: ${line}`);
    return value;
  };
  const seconds = field('centis') / 100;
  const fileBytes = field('bytes');
  const serviceBytes = (fileBytes / field('linebytes')) * 100;
  return {
    serviceMBps: serviceBytes / 1e6 / seconds,
    fileMBps: fileBytes / 1e6 / seconds,
    // /proc/<pid>/stat counts in USER_HZ, 100 a second.
    initCpuPercent: field('ticks') / seconds,
    consoleDropped: field('consoledropped'),
  };
}

/** Builds the x86_64 image of `specPath` into `outDir`; returns the image folder. */
async function buildImage(specPath: string, outDir: string): Promise<string> {
  const [image] = await build(specPath, buildOptions({ outDir, arch: ['x86_64'], progress: terminalProgress() }));
  return image!.dir;
}

async function measure(imageDir: string): Promise<LogBenchResult> {
  const vm = await bootImage(imageDir, { expectTimeoutMs: 300_000 });
  try {
    return parseLogBench((await vm.expect(/LOGBENCH .*consoledropped=\d+\r?\n/)).text);
  } finally {
    await vm.kill();
  }
}

const work = await mkdtemp(join(tmpdir(), 'imago-logbench-'));
try {
  // Every image is built before the first boot, so the boots measure one and the same init.
  const images: { on: boolean; dir: string }[] = [];
  for (const on of modes) images.push({ on, dir: await buildImage(on ? spec : await writeQuietSpec(work), join(work, on ? 'on' : 'off')) });
  const rows: string[][] = [];
  for (const { on, dir } of images) {
    log(`log path, console copies ${on ? 'on' : 'off'}: booting (about a minute under TCG)...`);
    const result = await measure(dir);
    rows.push([
      on ? 'on' : 'off',
      `${result.serviceMBps.toFixed(2)} MB/s`,
      `${result.fileMBps.toFixed(2)} MB/s`,
      `${result.initCpuPercent.toFixed(0)}%`,
      String(result.consoleDropped),
    ]);
  }
  process.stdout.write(markdownTable(['console copies', 'service output', 'into /var/log', 'init CPU', 'console lines dropped'], rows));
} finally {
  await rm(work, { recursive: true, force: true });
}
