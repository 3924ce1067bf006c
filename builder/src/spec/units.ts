/**
 * Durations and sizes as users write them in a spec: "500ms", "10s", "5m",
 * "1h", "1d" (a bare number is seconds); "512K", "64M", "1G", "1T" (binary units,
 * a bare number is bytes). Parsed by the schema into milliseconds and bytes.
 */
import { z } from 'zod';

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const sizeUnits: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4 };

const durationPattern = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const sizePattern = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b?|b)?$/i;
const durationExample = 'expected a duration like 500ms, 10s, 5m, 1h or 1d';
const sizeExample = 'expected a size like 64M or 1G';

/**
 * The longest duration any field takes: the init's timers count milliseconds
 * in 32 bits (about 24.8 days), and nothing an edge device waits for is longer.
 */
export const maxDurationMs = 24 * durationUnits.d!;
/** The largest size any field takes: more than any device's RAM or disk, far below a float's precision. */
export const maxSizeBytes = 1024 ** 4;

/** Bounds of one duration or size field; both inclusive. */
export interface Bounds {
  min?: number;
  max?: number;
}

/**
 * A duration in milliseconds, from "500ms", "10s", "5m", "1h", "1d" or a number
 * of seconds, within `bounds` (default 0 to 24 days). A value outside them is
 * refused with both ends in the spec's own units, so `1e308` never becomes Infinity.
 */
export function durationWithin({ min = 0, max = maxDurationMs }: Bounds = {}) {
  const range = `from ${min === 0 ? '0' : formatDuration(min)} to ${formatDuration(max)}`;
  return z
    .union(
      [
        // Bounds on the number too, so the JSON Schema tells editors the range (a bare number is seconds).
        z.number({ error: durationExample }).min(min / 1000, { error: `expected a duration ${range}` }).max(max / 1000, { error: `expected a duration ${range}` }),
        z.string().regex(durationPattern, durationExample),
      ],
      { error: durationExample },
    )
    .transform((value, context) => {
      const [, amount, unit] = typeof value === 'number' ? [, value, 's'] : durationPattern.exec(value)!;
      const ms = Math.round(Number(amount) * durationUnits[unit!]!);
      if (Number.isFinite(ms) && ms >= min && ms <= max) return ms;
      context.addIssue({ code: 'custom', message: `expected a duration ${range}`, input: value });
      return z.NEVER;
    });
}

/**
 * A size in bytes, from "512K", "64M", "1G" or a number of bytes, within
 * `bounds` (default 0 to 1T), refused with both ends written as a spec would.
 */
export function sizeWithin({ min = 0, max = maxSizeBytes }: Bounds = {}) {
  const range = `from ${min === 0 ? '0' : formatSize(min)} to ${formatSize(max)}`;
  return z
    .union(
      [
        z.number({ error: sizeExample }).min(min, { error: `expected a size ${range}` }).max(max, { error: `expected a size ${range}` }),
        z.string().regex(sizePattern, sizeExample),
      ],
      { error: sizeExample },
    )
    .transform((value, context) => {
      const bytes = typeof value === 'number' ? value : parseSize(value);
      if (Number.isInteger(bytes) && bytes >= min && bytes <= max) return bytes;
      context.addIssue({ code: 'custom', message: `expected a size ${range}${Number.isInteger(bytes) ? '' : ' in whole bytes'}`, input: value });
      return z.NEVER;
    });
}

/** Bytes from text the size pattern matched. */
function parseSize(text: string): number {
  const [, amount, unit = ''] = sizePattern.exec(text)!;
  return Math.round(Number(amount) * sizeUnits[unit.toLowerCase()]!);
}

/** A duration with the default bounds (0 to 24 days). */
export const duration = durationWithin();

/** A size with the default bounds (0 to 1T). */
export const size = sizeWithin();

/**
 * A duration as a spec would write it, for descriptions and messages: the
 * largest unit that divides it with at least 2 of it ("60s", "3m", "200ms"), or "1d".
 */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = durationUnits[unit]!;
    if (ms > 0 && ms % size === 0 && (ms / size >= 2 || unit === 'd')) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A size as a spec would write it: "1M", "512K", or bytes. */
export function formatSize(bytes: number): string {
  for (const unit of ['T', 'G', 'M', 'K'] as const) {
    const size = sizeUnits[unit.toLowerCase()]!;
    if (bytes > 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
