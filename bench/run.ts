/**
 * `make bench`: sizes and timings of the benchmark image on every architecture,
 * printed as one table. Warm build = the build again with everything cached;
 * cold build = an empty cache (x86_64 only unless --cold-all: a cold mips
 * kernel alone takes 10-15 minutes). Boot times are from QEMU start to the
 * init's ready line, the median of several boots, against a plain BusyBox
 * shell /init on the same kernel.
 *
 *   node --import tsx bench/run.ts [--arch x86_64,mips] [--boots N] [--skip-cold] [--cold-all]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCompression } from '../builder/src/archive/compress.ts';
import { build } from '../builder/src/build/build.ts';
import { buildOptions } from '../builder/src/build/options.ts';
import { terminalProgress } from '../builder/src/cli/progress.ts';
import { bootImage } from '../builder/src/qemu/index.ts';
import { markdownTable } from '../qemu-tests/matrix-rows.ts';
import { targetNames } from '../targets/index.ts';
import { baselineMarker, writeBaselineImage } from './busybox-baseline.ts';

const argument = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const boots = Number(argument('--boots')) || 3;
const arches = argument('--arch')?.split(',') ?? targetNames;
const skipCold = process.argv.includes('--skip-cold');
const coldAll = process.argv.includes('--cold-all');
const spec = 'bench/spec.yml';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timedBuild(arch: string, outDir: string, cache?: string): Promise<number> {
  const saved = process.env.IMAGO_CACHE;
  if (cache) process.env.IMAGO_CACHE = cache;
  const started = performance.now();
  try {
    await build(spec, buildOptions({ outDir, arch: [arch], progress: cache ? terminalProgress() : undefined }));
  } finally {
    if (cache) {
      if (saved === undefined) delete process.env.IMAGO_CACHE;
      else process.env.IMAGO_CACHE = saved;
    }
  }
  return (performance.now() - started) / 1000;
}

/** Runs a boot measurement, once more if it fails (a console line lost at power-off must not sink the table). */
async function retried<T>(what: string, measure: () => Promise<T>): Promise<T> {
  try {
    return await measure();
  } catch (error) {
    log(`${what} failed, trying once more: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return measure();
  }
}

/** Boots once; returns seconds to `marker` and the running VM. */
async function bootTo(dir: string, marker: RegExp | string): Promise<{ seconds: number; vm: Awaited<ReturnType<typeof bootImage>> }> {
  const vm = await bootImage(dir, { expectTimeoutMs: 180_000 });
  try {
    const match = await vm.expect(marker);
    return { seconds: match.ms / 1000, vm };
  } catch (error) {
    await vm.kill();
    throw error;
  }
}

interface BenchRow {
  arch: string;
  kernel: string;
  kernelMB: number;
  initMB: number;
  initrdMB: number;
  cold?: number;
  warm: number;
  ready: number;
  baseline: number;
  rssMiB: number;
}

async function benchArch(arch: string, work: string): Promise<BenchRow> {
  let cold: number | undefined;
  if (!skipCold && (coldAll || arch === 'x86_64')) {
    log(`${arch}: cold build (empty cache)...`);
    cold = await timedBuild(arch, join(work, 'cold'), join(work, `cache-${arch}`));
    await rm(join(work, `cache-${arch}`), { recursive: true, force: true });
  }
  log(`${arch}: build (fills the cache if needed), then a warm build...`);
  await build(spec, buildOptions({ outDir: join(work, 'out'), arch: [arch], progress: terminalProgress() }));
  const warm = await timedBuild(arch, join(work, 'out'));
  const [image] = await build(spec, buildOptions({ outDir: join(work, 'out'), arch: [arch] }));
  const manifest = image!.manifest;

  const readySeconds: number[] = [];
  const rssKb: number[] = [];
  for (let i = 0; i < boots; i++) {
    log(`${arch}: boot ${i + 1}/${boots}...`);
    const { seconds, rss } = await retried(`${arch} boot`, async () => {
      const { seconds, vm } = await bootTo(image!.dir, /init: ready/);
      try {
        const rss = Number((await vm.expect(/INIT-RSS-KB (\d+)\r?\n/)).groups[0]);
        await vm.waitExit(60_000);
        return { seconds, rss };
      } finally {
        await vm.kill();
      }
    });
    readySeconds.push(seconds);
    rssKb.push(rss);
  }
  const baselineDir = await writeBaselineImage(image!.dir, join(work, 'baseline'));
  const baselineSeconds: number[] = [];
  for (let i = 0; i < boots; i++) {
    log(`${arch}: baseline boot ${i + 1}/${boots}...`);
    const seconds = await retried(`${arch} baseline boot`, async () => {
      const { seconds, vm } = await bootTo(baselineDir, baselineMarker);
      try {
        await vm.waitExit(60_000);
        return seconds;
      } finally {
        await vm.kill();
      }
    });
    baselineSeconds.push(seconds);
  }
  return {
    arch,
    kernel: `${manifest.kernel.package}${manifest.kernel.built ? ' (built)' : ''}`,
    kernelMB: manifest.outputs.kernel!.size / 1e6,
    initMB: manifest.init.size / 1e6,
    initrdMB: manifest.outputs['initrd.img']!.size / 1e6,
    cold,
    warm,
    ready: median(readySeconds),
    baseline: median(baselineSeconds),
    rssMiB: median(rssKb) / 1024,
  };
}

function renderTable(rows: BenchRow[]): string {
  const header = ['arch', 'kernel', 'kernel', 'init (static)', `initrd (${defaultCompression})`, 'cold build', 'warm build', `ready (median of ${boots})`, 'BusyBox /init', 'ratio', 'init RSS'];
  const cells = rows.map((r) => [
    r.arch, r.kernel, `${r.kernelMB.toFixed(2)} MB`, `${r.initMB.toFixed(2)} MB`, `${r.initrdMB.toFixed(2)} MB`,
    r.cold === undefined ? '-' : `${r.cold.toFixed(0)} s`, `${r.warm.toFixed(1)} s`, `${r.ready.toFixed(2)} s`,
    `${r.baseline.toFixed(2)} s`, (r.ready / r.baseline).toFixed(2), `${r.rssMiB.toFixed(2)} MiB`,
  ]);
  return markdownTable(header, cells);
}

const log = (text: string) => process.stderr.write(`${text}\n`);
const work = await mkdtemp(join(tmpdir(), 'imago-bench-'));
try {
  const rows: BenchRow[] = [];
  for (const arch of arches) {
    rows.push(await benchArch(arch, work));
    // The table so far, so a failure later on does not lose the architectures already measured.
    log(renderTable(rows));
  }
  process.stdout.write(renderTable(rows));
} finally {
  await rm(work, { recursive: true, force: true });
}
