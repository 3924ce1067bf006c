/**
 * Reads the MemAvailable readings the benchmark's probes print on the
 * serial console (see bench-specs.ts), e.g. the line
 * `bench-memory-boot: BENCH-MEMAVAILABLE boot MemAvailable:     912340 kB`.
 * Pure.
 *
 *   const match = await vm.expect(memoryReadingPattern('boot'));
 *   memoryReadingKiB('boot', match.groups);   // 912340
 */
import { chargedProbeMarker, memoryProbeMarker, type MemoryStage } from './bench-specs.ts';

/** Matches one stage's reading; its one group is the figure as /proc/meminfo printed it (KiB, which it writes "kB"). */
export function memoryReadingPattern(stage: MemoryStage): RegExp {
  return new RegExp(`${memoryProbeMarker} ${stage} MemAvailable:\\s*(\\d+) kB`);
}

/** The KiB of a reading matched by `memoryReadingPattern(stage)`; throws naming the stage when the figure is missing or not a number. */
export function memoryReadingKiB(stage: MemoryStage, groups: readonly (string | undefined)[]): number {
  return wholeNumber(groups[0], `the ${stage} MemAvailable reading`, 'kB');
}

/** Matches the cgroups' reading; its one group is the bytes charged to the services and containers. */
export const chargedReadingPattern = new RegExp(`${chargedProbeMarker} (\\S*)`);

/** The bytes of a reading matched by `chargedReadingPattern`; throws when the figure is not a whole number. */
export function chargedReadingBytes(groups: readonly (string | undefined)[]): number {
  return wholeNumber(groups[0], "the cgroups' memory reading", 'bytes');
}

/** `text` as a whole number, or an error naming the reading and its unit. */
function wholeNumber(text: string | undefined, reading: string, unit: string): number {
  const value = text !== undefined && /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) throw new Error(`${reading} on the console: expected a whole number of ${unit}, got ${JSON.stringify(text)}`);
  return value;
}
