/**
 * Opens the two kinds of private apt state imago uses, both derived from the host's
 * Debian sources: binary packages of Debian 12 for one architecture, and source
 * packages of a chosen release.
 *
 *   const state = await openBinaryState('arm64', progress);
 */
import type { Progress } from '../progress.ts';
import { openAptState, type AptState } from './apt-state.ts';
import { readHostSources } from './host-sources.ts';
import { derivePrivateSources, renderSources } from './private-sources.ts';
import { skippedSuites } from './suite-selection.ts';

/** The Debian release whose binary packages go into images. */
export const binaryRelease = 'bookworm';

/**
 * Opens (creating or refreshing as needed) the state `bookworm-<arch>` with `deb`
 * entries for Debian 12, its updates and security suites, for one architecture.
 * Suites the running build skips (suite-selection.ts) are left out, in a state
 * of its own (`bookworm-<arch>-without-<suite>`), so the full one's lists stay fresh.
 */
export async function openBinaryState(arch: string, progress: Progress): Promise<AptState> {
  const skipSuites = skippedSuites();
  const sources = derivePrivateSources(await readHostSources(), { arch, release: binaryRelease, skipSuites });
  return openAptState({ name: binaryStateName(arch, skipSuites), arch, sources: renderSources(sources) }, progress);
}

/** `bookworm-armhf`, or `bookworm-armhf-without-bookworm-security` for a build that skips that suite. */
export function binaryStateName(arch: string, skipSuites: readonly string[] = []): string {
  return [`${binaryRelease}-${arch}`, ...[...skipSuites].sort().map((suite) => `without-${suite.replace(/\//g, '_')}`)].join('-');
}

/**
 * Opens the state `src-<release>` with only a `deb-src` entry for that release
 * (e.g. `trixie`), from the same mirror as the host's Debian 12 entry.
 */
export async function openSourceState(release: string, progress: Progress): Promise<AptState> {
  const sources = derivePrivateSources(await readHostSources(), { arch: 'amd64', release: binaryRelease, binary: false, sourceRelease: release });
  // The architecture only matters for binary lists; a source-only state has none.
  return openAptState({ name: `src-${release}`, arch: 'amd64', sources: renderSources(sources) }, progress);
}
