import { fetchDebianSource } from '../debian/source.ts';
import type { Progress } from '../progress.ts';

/** Where the init's QuickJS comes from: Debian 13's `quickjs` source package (2025.04.26). */
export const quickjsRelease = 'trixie';

/**
 * Fetches and unpacks QuickJS's source from Debian (cached), for buildInit.
 *
 *   const { dir, version } = await fetchQuickjsSource(progress);
 *   await buildInit({ target, quickjsDir: dir, quickjsVersion: version, progress });
 *
 * Throws (with the apt error as cause) when the source cannot be fetched.
 */
export function fetchQuickjsSource(progress?: Progress): Promise<{ dir: string; version: string }> {
  return fetchDebianSource('quickjs', { release: quickjsRelease, progress });
}
