/**
 * `make bench`, the edge figure of issue 14: how long images/edge.yml takes
 * to a healthy MQTT broker, as a ratio to images/minimal.yml's boot to ready
 * on the same kernel, and the RAM the containers take once the broker is
 * healthy: the drop in MemAvailable from before any service starts, and what
 * the cgroups of the services and containers are charged (bench-specs.ts says
 * why both). Each
 * architecture builds both images, checks they share one kernel, boots each
 * in QEMU `--runs` times and prints medians; an architecture whose edge image
 * cannot be built (mips, mips64: no Debian packages for its containers) is
 * skipped with the reason.
 *
 *   node --import tsx bench/edge.ts [--arch x86_64,aarch64] [--runs 3] [--compression gzip] [--skip-suite bookworm-security]...
 *
 * `--skip-suite` (repeatable) is the build's: both images of an architecture
 * are built with it, so they still share a kernel (checked).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressions, type Compression } from '../builder/src/archive/compress.ts';
import { containerKernelFragments } from '../builder/src/containers/host-support.ts';
import { build } from '../builder/src/build/build.ts';
import type { Manifest } from '../builder/src/build/manifest.ts';
import { buildOptions } from '../builder/src/build/options.ts';
import { terminalProgress } from '../builder/src/cli/progress.ts';
import { bootImage } from '../builder/src/qemu/index.ts';
import { archProblems } from '../builder/src/spec/arch-rules.ts';
import { loadSpec } from '../builder/src/spec/load.ts';
import { formatPath, renderProblem } from '../builder/src/spec/problem.ts';
import { getTarget, targetNames } from '../targets/index.ts';
import { withBuiltKernel, withMemoryProbes } from './edge/bench-specs.ts';
import { type EdgeRow, type EdgeRun, renderEdgeTable, summarize } from './edge/edge-table.ts';
import { chargedReadingBytes, chargedReadingPattern, memoryReadingKiB, memoryReadingPattern } from './edge/memory-reading.ts';
import { sameKernel } from './edge/same-kernel.ts';

const argument = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const runs = Number(argument('--runs')) || 3;
const arches = argument('--arch')?.split(',') ?? targetNames;
const compression = argument('--compression') as Compression | undefined;
if (compression && !compressions.includes(compression)) throw new Error(`--compression: expected one of ${compressions.join('|')}, got ${JSON.stringify(compression)}`);
const skipSuites = process.argv.flatMap((arg, i) => (process.argv[i - 1] === '--skip-suite' ? [arg] : []));

/** containerd and runc under emulation take minutes on the slower targets (as in qemu-tests/edge.test.ts). */
const HEALTHY_MS = 900_000;
const READY_MS = 180_000;

const log = (text: string) => process.stderr.write(`${text}\n`);
const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/** The two spec files for `arch` in `dir`, or the reason the edge image cannot be built there. */
async function writeSpecs(arch: string, dir: string): Promise<{ minimal: string; edge: string } | { skip: string }> {
  const target = getTarget(arch);
  const minimalText = await readFile('images/minimal.yml', 'utf8');
  const edgeText = withMemoryProbes(await readFile('images/edge.yml', 'utf8'), 'images/edge.yml');
  const write = async (builtKernel: boolean) => {
    await mkdir(dir, { recursive: true });
    const minimal = join(dir, 'minimal.yml');
    const edge = join(dir, 'edge.yml');
    await writeFile(edge, builtKernel ? withBuiltKernel(edgeText, 'images/edge.yml') : edgeText);
    const loaded = await loadSpec(edge);
    // A built kernel (mips, mips64, or mipsel's below) gets the containers' config options in the edge image only:
    // the minimal image is given them too, so the two boot one kernel and the ratio compares images.
    const kernelBuilt = builtKernel || !target.kernel.debianPackage;
    const fragments = kernelBuilt && loaded.spec ? containerKernelFragments(loaded.spec) : [];
    await writeFile(minimal, kernelBuilt ? withBuiltKernel(minimalText, 'images/minimal.yml', fragments) : minimalText);
    if (!loaded.spec) return { paths: { minimal, edge }, problems: loaded.problems.map(renderProblem), memoryOnly: false };
    const problems = archProblems(loaded.spec, [target]);
    return { paths: { minimal, edge }, problems: problems.map((p) => `${formatPath(p.path)}: ${p.message}`), memoryOnly: problems.length > 0 && problems.every((p) => p.path[0] === 'qemu') };
  };
  let attempt = await write(false);
  // Debian's kernel cannot reach the RAM edge asks for (mipsel): both images then boot the kernel built from kernel-config/, as the edge QEMU test does.
  if (attempt.memoryOnly) attempt = await write(true);
  if (attempt.problems.length > 0) return { skip: `images/edge.yml cannot be built for ${arch}: ${attempt.problems.join('; ')}` };
  return attempt.paths;
}

async function buildImage(spec: string, outDir: string, arch: string): Promise<{ dir: string; manifest: Manifest }> {
  const [image] = await build(spec, buildOptions({ outDir, arch: [arch], skipSuites, compression, progress: terminalProgress() }));
  return { dir: image!.dir, manifest: image!.manifest };
}

/** Runs a boot measurement, once more if it fails (a console line lost under load must not sink the table). */
async function retried<T>(what: string, measure: () => Promise<T>): Promise<T> {
  try {
    return await measure();
  } catch (error) {
    log(`${what} failed, trying once more: ${firstLine(error)}`);
    return measure();
  }
}

async function minimalReady(dir: string): Promise<number> {
  const vm = await bootImage(dir, { expectTimeoutMs: READY_MS });
  try {
    return (await vm.expect(/init: ready/)).ms / 1000;
  } finally {
    await vm.kill();
  }
}

async function edgeHealthy(dir: string): Promise<Omit<EdgeRun, 'minimalReadySeconds' | 'loadAverage'>> {
  const vm = await bootImage(dir, { expectTimeoutMs: HEALTHY_MS });
  try {
    const boot = await vm.expect(memoryReadingPattern('boot'));
    const healthy = await vm.expect('init: broker healthy');
    const after = await vm.expect(memoryReadingPattern('healthy'));
    const charged = await vm.expect(chargedReadingPattern);
    return {
      edgeHealthySeconds: healthy.ms / 1000,
      memAvailableBootKiB: memoryReadingKiB('boot', boot.groups),
      memAvailableHealthyKiB: memoryReadingKiB('healthy', after.groups),
      chargedHealthyBytes: chargedReadingBytes(charged.groups),
    };
  } finally {
    await vm.kill();
  }
}

async function benchArch(arch: string, work: string): Promise<EdgeRow | { skip: string }> {
  const specs = await writeSpecs(arch, join(work, 'specs', arch));
  if ('skip' in specs) return specs;
  log(`${arch}: building images/minimal.yml and images/edge.yml...`);
  const minimal = await buildImage(specs.minimal, join(work, 'minimal'), arch);
  const edge = await buildImage(specs.edge, join(work, 'edge'), arch);
  const kernel = sameKernel(arch, minimal.manifest, edge.manifest);
  log(`${arch}: both images boot ${kernel}`);
  const measured: EdgeRun[] = [];
  for (let i = 1; i <= runs; i++) {
    const loadAverage = loadavg()[0]!;
    log(`${arch}: run ${i}/${runs} (load average ${loadAverage.toFixed(2)}): minimal to ready...`);
    const minimalReadySeconds = await retried(`${arch} minimal boot`, () => minimalReady(minimal.dir));
    log(`${arch}: run ${i}/${runs}: minimal ready in ${minimalReadySeconds.toFixed(2)} s; edge to broker healthy...`);
    const edgeRun = await retried(`${arch} edge boot`, () => edgeHealthy(edge.dir));
    log(`${arch}: run ${i}/${runs}: broker healthy in ${edgeRun.edgeHealthySeconds.toFixed(2)} s, MemAvailable ${edgeRun.memAvailableBootKiB} -> ${edgeRun.memAvailableHealthyKiB} KiB`);
    measured.push({ minimalReadySeconds, ...edgeRun, loadAverage });
  }
  return summarize({ arch, kernel, initrdBytes: edge.manifest.outputs['initrd.img']!.size, runs: measured });
}

const work = await mkdtemp(join(tmpdir(), 'imago-bench-edge-'));
try {
  const rows: EdgeRow[] = [];
  const notes: string[] = [];
  for (const arch of arches) {
    try {
      const result = await benchArch(arch, work);
      if ('skip' in result) notes.push(`${arch}: skipped: ${result.skip}`);
      else rows.push(result);
    } catch (error) {
      notes.push(`${arch}: failed: ${firstLine(error)}`);
      process.exitCode = 1;
    }
    // The table so far, so a failure later on does not lose the architectures already measured.
    log(renderEdgeTable(rows) + notes.join('\n'));
  }
  process.stdout.write(`${renderEdgeTable(rows)}${notes.map((note) => `${note}\n`).join('')}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
