/**
 * Derives the sources.list of a private apt state from the host's Debian entries:
 * same mirrors and keyrings, but pinned to one release and one architecture.
 *
 *   const text = renderSources(derivePrivateSources(await readHostSources(), { arch: 'amd64', sourceRelease: 'trixie' }));
 */
import type { AptSource } from './host-sources.ts';

export interface PrivateSourcesOptions {
  /** Debian architecture of the binary entries, e.g. `amd64`. */
  arch: string;
  /** Release for binary packages; default `bookworm` (Debian 12), with its -updates and -security suites. */
  release?: string;
  /** Include `deb` entries; default true. A source-only state sets this to false. */
  binary?: boolean;
  /** Also add `deb-src` for this release (e.g. `trixie`), from the host's main mirror, component `main`. */
  sourceRelease?: string;
  /** Suites to leave out (`--skip-suite`), e.g. `bookworm-security` while the mirror syncs it. */
  skipSuites?: readonly string[];
}

/** One line of the private sources.list. */
export interface PrivateSource {
  type: 'deb' | 'deb-src';
  uri: string;
  suite: string;
  components: string[];
  arch?: string;
  signedBy?: string;
}

/**
 * Picks the host entries for the release and rewrites them for the private state.
 * Throws when the host has no `deb` entry for the release's main suite, since the
 * mirror is only ever learned from the host.
 */
export function derivePrivateSources(host: AptSource[], options: PrivateSourcesOptions): PrivateSource[] {
  const release = options.release ?? 'bookworm';
  const skipped = new Set(options.skipSuites ?? []);
  const wanted = [release, `${release}-updates`, `${release}-security`, `${release}/updates`].filter((suite) => !skipped.has(suite));
  const main = host.find((entry) => entry.types.includes('deb') && entry.suites.includes(release));
  if (!main || main.uris.length === 0) {
    throw new Error(
      `failed to derive apt sources: the host's apt configuration has no "deb" entry for Debian ${release}. ` +
        `add one to /etc/apt/sources.list.d (imago uses the host's mirror)`,
    );
  }
  const result: PrivateSource[] = [];
  const seen = new Set<string>();
  const push = (source: PrivateSource) => {
    const key = `${source.type} ${source.uri} ${source.suite}`;
    if (seen.has(key)) return;
    seen.add(key);
    result.push(source);
  };
  if (options.binary ?? true) {
    for (const entry of host) {
      if (!entry.types.includes('deb')) continue;
      for (const suite of entry.suites.filter((s) => wanted.includes(s))) {
        for (const uri of entry.uris) {
          push({ type: 'deb', uri, suite, components: entry.components, arch: options.arch, signedBy: entry.signedBy });
        }
      }
    }
  }
  if (options.sourceRelease) {
    // Source packages of another release come from the same archive as the host's
    // main entry: one Debian mirror carries every release.
    push({ type: 'deb-src', uri: main.uris[0]!, suite: options.sourceRelease, components: ['main'], signedBy: main.signedBy });
  }
  return result;
}

/** Renders entries in one-line sources.list format, which every apt version reads. */
export function renderSources(sources: PrivateSource[]): string {
  return sources
    .map((source) => {
      const options = [source.arch && `arch=${source.arch}`, source.signedBy && `signed-by=${source.signedBy}`].filter(Boolean);
      const prefix = options.length > 0 ? ` [${options.join(' ')}]` : '';
      return `${source.type}${prefix} ${source.uri} ${source.suite} ${source.components.join(' ')}\n`;
    })
    .join('');
}
