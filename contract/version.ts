/** Image versions: dotted numbers such as 1, 1.2 or 2024.11.3, compared part by part. */

/** True for a version imago can compare. */
export function isVersion(text: string): boolean {
  return /^\d+(\.\d+)*$/.test(text);
}

/**
 * Negative when `a` is older than `b`, zero when equal, positive when newer.
 * Missing parts count as 0 (1.2 equals 1.2.0). Anything that is not a version
 * sorts below every version, so it is never installed over one.
 */
export function compareVersions(a: string, b: string): number {
  if (!isVersion(a) || !isVersion(b)) return isVersion(a) ? 1 : isVersion(b) ? -1 : 0;
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const difference = (x[i] ?? 0) - (y[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
