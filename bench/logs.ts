/**
 * `make bench`: how fast a chatty service's output reaches /var/log under TCG
 * on x86_64, and what it costs the init. Boots bench/logs.yml with console
 * copies on and off, and with the service writing 100-byte lines flat out (as
 * fast as the init takes them: the most the log path carries) or paced to
 * 5 MB/s (what that rate costs the init). In each boot a meter in the guest
 * reports bytes per second into /var/log/flood.log, the init's CPU share
 * (utime + stime of PID 1) and the lines that did not reach the console, over
 * a 20 s window.
 *
 *   node --import tsx bench/logs.ts [--console on,off] [--rates 0,5]   (rate in MB/s, 0 = flat out)
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
const argument = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const consoleModes = (argument('--console') ?? 'off,on').split(',').map((mode) => mode === 'on');
const rates = (argument('--rates') ?? '0,5').split(',').map(Number);
const log = (text: string) => process.stderr.write(`${text}\n`);

interface Variant {
  console: boolean;
  /** MB/s the service writes; 0: flat out. */
  rate: number;
}

/** Replaces `from` in the spec's text, failing when the spec no longer has it. */
function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`${spec}: expected "${from}" to vary for the benchmark`);
  return text.replace(from, to);
}

/** The spec with the variant's console setting and write rate: the same image otherwise. */
async function writeVariantSpec(work: string, variant: Variant): Promise<string> {
  let text = await readFile(spec, 'utf8');
  text = replaceOnce(text, 'console: true', `console: ${variant.console}`);
  text = replaceOnce(text, 'RATE_MB: "0"', `RATE_MB: "${variant.rate}"`);
  const path = join(work, `logs-${variant.console ? 'console' : 'quiet'}-${variant.rate}.yml`);
  await writeFile(path, text);
  return path;
}

interface LogBenchResult {
  /** The meter's window. */
  seconds: number;
  /** The service's own bytes per second (100-byte lines). */
  serviceMBps: number;
  /** Bytes per second appended to /var/log/flood.log: the lines plus their timestamps. */
  fileMBps: number;
  /** PID 1's share of the guest's one CPU over the window, in user space and in the kernel. */
  initUserPercent: number;
  initSystemPercent: number;
  /** Lines of the service that did not reach the console during the window. */
  consoleDropped: number;
}

/** Reads the meter's line: bytes=B centis=C user=U system=S linebytes=L consoledropped=D (see bench/logs.yml). */
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
    seconds,
    serviceMBps: serviceBytes / 1e6 / seconds,
    fileMBps: fileBytes / 1e6 / seconds,
    // /proc/<pid>/stat counts in USER_HZ, 100 a second.
    initUserPercent: field('user') / seconds,
    initSystemPercent: field('system') / seconds,
    consoleDropped: field('consoledropped'),
  };
}

/** Builds the x86_64 image of `specPath` into `outDir`; returns the image folder. */
async function buildImage(specPath: string, outDir: string): Promise<string> {
  const [image] = await build(specPath, buildOptions({ outDir, arch: ['x86_64'], progress: terminalProgress() }));
  return image!.dir;
}

/** One boot: the meter's figures, and the console bytes per second the host received during the meter's window. */
async function measure(imageDir: string): Promise<LogBenchResult & { consoleKBps: number }> {
  const vm = await bootImage(imageDir, { expectTimeoutMs: 300_000 });
  try {
    const match = await vm.expect(/LOGBENCH .*consoledropped=\d+\r?\n/);
    const result = parseLogBench(match.text);
    const from = match.ms - result.seconds * 1000;
    const consoleBytes = vm.lines.filter((line) => line.ms >= from && line.ms < match.ms).reduce((sum, line) => sum + line.text.length + 1, 0);
    return { ...result, consoleKBps: consoleBytes / 1024 / result.seconds };
  } finally {
    await vm.kill();
  }
}

const work = await mkdtemp(join(tmpdir(), 'imago-logbench-'));
try {
  // Every image is built before the first boot, so the boots measure one and the same init.
  const images: { variant: Variant; dir: string }[] = [];
  for (const rate of rates) {
    for (const console of consoleModes) {
      const variant = { console, rate };
      const name = `${console ? 'console' : 'quiet'}-${rate}`;
      images.push({ variant, dir: await buildImage(await writeVariantSpec(work, variant), join(work, name)) });
    }
  }
  const header = ['writer', 'console copies', 'service output', 'into /var/log', 'init CPU', 'init CPU per MB', 'console output', 'console lines dropped'];
  const rows: string[][] = [];
  for (const { variant, dir } of images) {
    const writer = variant.rate === 0 ? 'flat out' : `${variant.rate} MB/s`;
    log(`log path, writer ${writer}, console copies ${variant.console ? 'on' : 'off'}: booting (about a minute under TCG)...`);
    const result = await measure(dir);
    rows.push([
      writer,
      variant.console ? 'on' : 'off',
      `${result.serviceMBps.toFixed(2)} MB/s`,
      `${result.fileMBps.toFixed(2)} MB/s`,
      `${(result.initUserPercent + result.initSystemPercent).toFixed(0)}% (${result.initUserPercent.toFixed(0)}% user, ${result.initSystemPercent.toFixed(0)}% kernel)`,
      // CPU per MB carried: steadier from one run to the next than either figure alone on a shared host.
      `${((result.initUserPercent + result.initSystemPercent) * 10 / result.serviceMBps).toFixed(0)} ms`,
      `${result.consoleKBps.toFixed(1)} KB/s`,
      String(result.consoleDropped),
    ]);
    // The table so far, so a failed boot later on does not lose the rows already measured.
    log(markdownTable(header, rows));
  }
  process.stdout.write(markdownTable(header, rows));
} finally {
  await rm(work, { recursive: true, force: true });
}
