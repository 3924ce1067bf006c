/**
 * `make bench`: sizes and timings of the default image on x86_64, printed as a
 * table. Cold build = empty cache (downloads and compiles everything); warm =
 * the same build again. Boot times are from QEMU start to the init's ready line,
 * the median of several boots, against a plain BusyBox shell /init on the same kernel.
 *
 *   node --import tsx bench/run.ts [--boots N] [--skip-cold]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../builder/src/build/build.ts';
import { buildOptions } from '../builder/src/build/options.ts';
import { bootImage } from '../builder/src/qemu/index.ts';
import { baselineMarker, writeBaselineImage } from './busybox-baseline.ts';

const boots = Number(process.argv[process.argv.indexOf('--boots') + 1]) || 3;
const skipCold = process.argv.includes('--skip-cold');
const spec = 'bench/spec.yml';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timedBuild(outDir: string, cache?: string): Promise<number> {
  const saved = process.env.IMAGO_CACHE;
  if (cache) process.env.IMAGO_CACHE = cache;
  const started = performance.now();
  try {
    await build(spec, buildOptions({ outDir, arch: ['x86_64'] }));
  } finally {
    if (cache) {
      if (saved === undefined) delete process.env.IMAGO_CACHE;
      else process.env.IMAGO_CACHE = saved;
    }
  }
  return (performance.now() - started) / 1000;
}

/** Boots once; returns seconds to `marker` and the line that matched. */
async function bootTo(dir: string, marker: RegExp | string): Promise<{ seconds: number; text: string; vm: Awaited<ReturnType<typeof bootImage>> }> {
  const vm = await bootImage(dir, { expectTimeoutMs: 180_000 });
  try {
    const match = await vm.expect(marker);
    return { seconds: match.ms / 1000, text: match.text, vm };
  } catch (error) {
    await vm.kill();
    throw error;
  }
}

const log = (text: string) => process.stderr.write(`${text}\n`);
const work = await mkdtemp(join(tmpdir(), 'imago-bench-'));
try {
  let cold = NaN;
  if (!skipCold) {
    log('cold build (empty cache)...');
    cold = await timedBuild(join(work, 'cold'), join(work, 'cache'));
  }
  log('warm builds...');
  await timedBuild(join(work, 'out'));
  const warm = await timedBuild(join(work, 'out'));
  const [image] = await build(spec, buildOptions({ outDir: join(work, 'out'), arch: ['x86_64'] }));
  const manifest = image!.manifest;

  const readySeconds: number[] = [];
  const rssKb: number[] = [];
  for (let i = 0; i < boots; i++) {
    log(`boot ${i + 1}/${boots}...`);
    const { seconds, vm } = await bootTo(image!.dir, /init: ready/);
    readySeconds.push(seconds);
    const rss = await vm.expect(/INIT-RSS-KB (\d+)/);
    rssKb.push(Number(rss.groups[0]));
    await vm.waitExit(60_000);
  }
  const baselineDir = await writeBaselineImage(image!.dir, join(work, 'baseline'));
  const baselineSeconds: number[] = [];
  for (let i = 0; i < boots; i++) {
    log(`baseline boot ${i + 1}/${boots}...`);
    const { seconds, vm } = await bootTo(baselineDir, baselineMarker);
    baselineSeconds.push(seconds);
    await vm.waitExit(60_000);
  }

  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
  const rows: [string, string][] = [
    ['arch', manifest.arch],
    ['kernel', `${manifest.kernel.package} (${mb(manifest.outputs.kernel!.size)})`],
    ['init binary (static, stripped)', mb(manifest.init.size)],
    [`initrd (${manifest.compression})`, mb(manifest.outputs['initrd.img']!.size)],
    ['cold build (empty cache)', skipCold ? 'skipped' : `${cold.toFixed(1)} s`],
    ['warm build', `${warm.toFixed(1)} s`],
    [`boot to ready (median of ${boots})`, `${median(readySeconds).toFixed(2)} s`],
    [`BusyBox shell /init to marker (median of ${boots})`, `${median(baselineSeconds).toFixed(2)} s`],
    ['ratio imago / BusyBox', `${(median(readySeconds) / median(baselineSeconds)).toFixed(2)}`],
    ['init RSS once ready', `${(median(rssKb) / 1024).toFixed(2)} MiB`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  process.stdout.write(`| ${'measure'.padEnd(width)} | value |\n|${'-'.repeat(width + 2)}|-------|\n`);
  for (const [name, value] of rows) process.stdout.write(`| ${name.padEnd(width)} | ${value} |\n`);
} finally {
  await rm(work, { recursive: true, force: true });
}
