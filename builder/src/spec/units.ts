/**
 * Durations and sizes as users write them in a spec: "500ms", "10s", "5m",
 * "1h", "1d" (a bare number is seconds); "512K", "64M", "1G" (binary units,
 * a bare number is bytes). Parsed by the schema into milliseconds and bytes.
 */
import { z } from 'zod';

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const sizeUnits: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** A duration in milliseconds, from "500ms", "10s", "5m", "1h", "1d" or a number of seconds. */
export const duration = z
  .union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/)], {
    error: 'expected a duration such as 500ms, 10s, 5m, 1h or 1d',
  })
  .transform((value) => {
    if (typeof value === 'number') return Math.round(value * 1000);
    const [, amount, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value)!;
    return Math.round(Number(amount) * durationUnits[unit!]!);
  });

/** A size in bytes, from "512K", "64M", "1G" or a number of bytes. */
export const size = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+(\.\d+)?\s*([kmg]i?b?|b)?$/i)], {
    error: 'expected a size such as 512K, 64M or 1G',
  })
  .transform((value) => {
    if (typeof value === 'number') return value;
    const [, amount, unit = ''] = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value)!;
    return Math.round(Number(amount) * sizeUnits[unit.toLowerCase()]!);
  });

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
  for (const unit of ['G', 'M', 'K'] as const) {
    const size = sizeUnits[unit.toLowerCase()]!;
    if (bytes > 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
