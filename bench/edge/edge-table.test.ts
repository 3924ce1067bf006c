import test from 'ava';
import { type EdgeRun, renderEdgeTable, summarize } from './edge-table.ts';

const run = (minimal: number, edge: number, boot: number, healthy: number, load = 1, charged = 30 * 2 ** 20): EdgeRun => ({
  minimalReadySeconds: minimal,
  edgeHealthySeconds: edge,
  memAvailableBootKiB: boot,
  memAvailableHealthyKiB: healthy,
  chargedHealthyBytes: charged,
  loadAverage: load,
});

test('summarize: medians of each measure, the ratio of the medians, the median MemAvailable drop and cgroup charge', (t) => {
  const row = summarize({
    arch: 'x86_64',
    kernel: 'linux-image-6.1.0-56-amd64 6.1.192-2',
    initrdBytes: 52_401_552,
    runs: [run(10, 14, 900_000, 860_000, 0.5, 3_000), run(12, 30, 900_000, 850_000, 2.5, 1_000), run(11, 15, 901_000, 861_000, 1.5, 2_000)],
  });
  t.is(row.minimalReadySeconds, 11);
  t.is(row.edgeHealthySeconds, 15);
  t.is(row.ratio, 15 / 11);
  t.is(row.memoryDropKiB, 40_000);
  t.is(row.chargedBytes, 2_000);
  t.is(row.loadAverage, 1.5);
  t.is(row.runs, 3);
});

test('summarize: no runs is an error naming the architecture', (t) => {
  t.throws(() => summarize({ arch: 'armv7', kernel: 'k', initrdBytes: 1, runs: [] }), { message: /armv7: expected at least one edge benchmark run/ });
});

test('renderEdgeTable: one row per architecture with units, the ratio as a factor, memory in MiB', (t) => {
  const row = summarize({ arch: 'x86_64', kernel: 'linux-image-amd64 6.1', initrdBytes: 52_401_552, runs: [run(10, 15, 900_000, 838_560, 1.25)] });
  const lines = renderEdgeTable([row]).trimEnd().split('\n');
  t.is(lines.length, 3);
  t.regex(lines[0]!, /^\| arch +\| kernel \(both images\) +\| minimal ready +\| edge broker healthy +\| ratio +\| edge initrd +\| MemAvailable drop +\| services \+ containers \(cgroups\) +\| host load +\| runs \(median\) \|$/);
  t.deepEqual(lines[2]!.split('|').slice(1, -1).map((cell) => cell.trim()), ['x86_64', 'linux-image-amd64 6.1', '10.00 s', '15.00 s', '1.50x', '52.40 MB', '60.0 MiB', '30.0 MiB', '1.25', '1']);
});
