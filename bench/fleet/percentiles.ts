/** Percentiles of latency samples, nearest-rank: p(50) of [1..100] is 50, p(99) is 99. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function ms(value: number): string {
  return Number.isNaN(value) ? '-' : value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}
