/**
 * The edge benchmark's figures per architecture, from its runs to one table
 * row: medians of each measure, the ratio of the medians, the MemAvailable
 * drop and the RAM charged to the services' and containers' cgroups. Pure.
 *
 *   const row = summarize({ arch: 'x86_64', kernel: 'linux-image-amd64', initrdBytes, runs });
 *   process.stdout.write(renderEdgeTable([row], 3));
 */
import { markdownTable } from '../../qemu-tests/matrix-rows.ts';
import { median } from './median.ts';

/** One boot of minimal and one of edge, as measured on the console. */
export interface EdgeRun {
  /** Seconds from QEMU start to the init's ready line, images/minimal.yml. */
  minimalReadySeconds: number;
  /** Seconds from QEMU start to `init: broker healthy`, images/edge.yml. */
  edgeHealthySeconds: number;
  /** MemAvailable (KiB) read by an onboot task, before any service starts. */
  memAvailableBootKiB: number;
  /** MemAvailable (KiB) read once the broker is healthy. */
  memAvailableHealthyKiB: number;
  /** Bytes charged to the services' and containers' cgroups once the broker is healthy. */
  chargedHealthyBytes: number;
  /** The host's 1-minute load average when the run began: TCG timings depend on it. */
  loadAverage: number;
}

/** What one architecture's runs add up to. */
export interface EdgeRow {
  arch: string;
  /** The one kernel both images boot (package and version). */
  kernel: string;
  minimalReadySeconds: number;
  edgeHealthySeconds: number;
  /** edge healthy / minimal ready, both medians. */
  ratio: number;
  /** Size of edge's initrd.img as written (compressed). */
  initrdBytes: number;
  /** Median over runs of (MemAvailable at boot - MemAvailable once healthy). */
  memoryDropKiB: number;
  /** Median over runs of the bytes charged to the services' and containers' cgroups once healthy. */
  chargedBytes: number;
  /** Median of the runs' host load averages. */
  loadAverage: number;
  runs: number;
}

/** Summarizes an architecture's runs; throws when there are none (a row of NaN would hide the failure). */
export function summarize(input: { arch: string; kernel: string; initrdBytes: number; runs: readonly EdgeRun[] }): EdgeRow {
  const { runs } = input;
  if (runs.length === 0) throw new Error(`${input.arch}: expected at least one edge benchmark run, got none`);
  const minimalReadySeconds = median(runs.map((run) => run.minimalReadySeconds));
  const edgeHealthySeconds = median(runs.map((run) => run.edgeHealthySeconds));
  return {
    arch: input.arch,
    kernel: input.kernel,
    minimalReadySeconds,
    edgeHealthySeconds,
    ratio: edgeHealthySeconds / minimalReadySeconds,
    initrdBytes: input.initrdBytes,
    memoryDropKiB: median(runs.map((run) => run.memAvailableBootKiB - run.memAvailableHealthyKiB)),
    chargedBytes: median(runs.map((run) => run.chargedHealthyBytes)),
    loadAverage: median(runs.map((run) => run.loadAverage)),
    runs: runs.length,
  };
}

/** The markdown table of `rows`; sizes in MB (10^6 bytes) as elsewhere in bench/, memory in MiB as /proc/meminfo counts it. */
export function renderEdgeTable(rows: readonly EdgeRow[]): string {
  const header = ['arch', 'kernel (both images)', 'minimal ready', 'edge broker healthy', 'ratio', 'edge initrd', 'MemAvailable drop', 'services + containers (cgroups)', 'host load', 'runs (median)'];
  const cells = rows.map((row) => [
    row.arch,
    row.kernel,
    `${row.minimalReadySeconds.toFixed(2)} s`,
    `${row.edgeHealthySeconds.toFixed(2)} s`,
    `${row.ratio.toFixed(2)}x`,
    `${(row.initrdBytes / 1e6).toFixed(2)} MB`,
    `${(row.memoryDropKiB / 1024).toFixed(1)} MiB`,
    `${(row.chargedBytes / 2 ** 20).toFixed(1)} MiB`,
    row.loadAverage.toFixed(2),
    String(row.runs),
  ]);
  return markdownTable(header, cells);
}

