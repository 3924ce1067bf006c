/**
 * The middle value of a benchmark's runs, so one boot slowed by another
 * helper's compile does not move the figure.
 *
 *   median([3, 1, 2]);     // 2
 *   median([1, 2, 3, 10]); // 2.5
 */

/** The median of `values` (the mean of the middle two for an even count); throws for an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: expected at least one value, got none');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
