/**
 * Reads the MemAvailable readings the benchmark's probes print on the
 * serial console (see bench-specs.ts), e.g. the line
 * `bench-memory-boot: BENCH-MEMAVAILABLE boot MemAvailable:     912340 kB`.
 * Pure.
 *
 *   const match = await vm.expect(memoryReadingPattern('boot'));
 *   memoryReadingKiB('boot', match.groups);   // 912340
 */
import { memoryProbeMarker, type MemoryStage } from './bench-specs.ts';

/** Matches one stage's reading; its one group is the figure as /proc/meminfo printed it (KiB, which it writes "kB"). */
export function memoryReadingPattern(stage: MemoryStage): RegExp {
  return new RegExp(`${memoryProbeMarker} ${stage} MemAvailable:\\s*(\\d+) kB`);
}

/** The KiB of a reading matched by `memoryReadingPattern(stage)`; throws naming the stage when the figure is missing or not a number. */
export function memoryReadingKiB(stage: MemoryStage, groups: readonly (string | undefined)[]): number {
  const text = groups[0];
  const kib = text === undefined ? NaN : Number(text);
  if (!Number.isSafeInteger(kib)) throw new Error(`the ${stage} MemAvailable reading on the console: expected a whole number of kB, got ${JSON.stringify(text)}`);
  return kib;
}

