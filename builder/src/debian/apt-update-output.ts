/**
 * Reads what `apt-get update` printed and says whether the lists are good, a
 * mirror was caught mid-sync (worth retrying, or skipping that suite), or
 * something else failed. Pure, so every apt message shape is a test case.
 *
 *   classifyAptUpdate('E: Failed to fetch file:/srv/mirror/debian/dists/bookworm-updates/main/binary-armhf/Packages.xz  File has unexpected size (1 != 2). Mirror sync in progress? [IP: ...]');
 *   // { kind: 'mirror-sync', suites: ['bookworm-updates'], reason: 'File has unexpected size (1 != 2). Mirror sync in progress?' }
 */

/** The outcome of one `apt-get update`. */
export type AptUpdateVerdict =
  | { kind: 'ok' }
  /** An index that does not match its Release file: the mirror is syncing, and a later try usually works. */
  | { kind: 'mirror-sync'; suites: string[]; reason: string }
  | { kind: 'failed'; reason: string };

/**
 * What a mirror in the middle of a sync makes apt say: an index whose size or
 * hashes differ from the (already updated, or not yet updated) Release file.
 */
const syncPattern = /File has unexpected size|Mirror sync in progress|Hash Sum mismatch|Hashes of expected file/i;

/** apt-get update exits 0 even when a list failed to download; it says so with E: or these W: lines. */
const failurePattern = /^(E:|W: (Failed|Some index))/;

/**
 * Classifies apt-get update's stderr (its E:/W: lines). `exitedOk` is false
 * when apt-get exited non-zero, which without an E: line is still a failure.
 */
export function classifyAptUpdate(stderr: string, exitedOk = true): AptUpdateVerdict {
  const lines = stderr.split('\n');
  const failures = lines.filter((line) => failurePattern.test(line));
  const sync = failures.filter((line) => syncPattern.test(line));
  if (sync.length > 0) {
    const suites = [...new Set(sync.map(suiteOf).filter((suite): suite is string => suite !== undefined))];
    return { kind: 'mirror-sync', suites, reason: reasonOf(sync[0]!) };
  }
  const error = failures.find((line) => line.startsWith('E:')) ?? failures[0];
  if (error) return { kind: 'failed', reason: reasonOf(error) };
  return exitedOk ? { kind: 'ok' } : { kind: 'failed', reason: lines.find((line) => line.trim() !== '')?.trim() ?? 'apt-get update failed without a message' };
}

/** The suite of a failed index URL: the folder after `/dists/`, e.g. `bookworm-security`. */
export function suiteOf(line: string): string | undefined {
  return /\/dists\/([^/\s]+)\//.exec(line)?.[1];
}

/** apt's reason after the URL (`File has unexpected size ...`), without the `[IP: ...]` tail. */
function reasonOf(line: string): string {
  const text = line.replace(/^[EW]:\s*/, '');
  const afterUrl = /^Failed to fetch \S+\s+(.*)$/.exec(text)?.[1] ?? text;
  return afterUrl.replace(/\s*\[IP:[^\]]*\]\s*$/, '').trim();
}
