/**
 * Which Debian suites a build leaves out of its private apt sources
 * (`--skip-suite`). The choice is scoped to one build's async call chain
 * rather than passed through every function that opens an apt state (package
 * checks, downloads, kernels, containers, GRUB), and two builds in one
 * process never see each other's.
 *
 *   await withSkippedSuites(['bookworm-security'], () => build(...));
 *   skippedSuites();   // ['bookworm-security'] anywhere inside
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The suites that may be skipped: the release's updates and security suites.
 * The release itself holds nearly every package, so a build without it is not
 * worth making.
 */
export const skippableSuites = ['bookworm-updates', 'bookworm-security'] as const;

const scope = new AsyncLocalStorage<readonly string[]>();

/** Runs `action` with `suites` left out of every binary apt state it opens. */
export function withSkippedSuites<T>(suites: readonly string[], action: () => T): T {
  return scope.run(suites, action);
}

/** The suites the running build leaves out (none outside withSkippedSuites). */
export function skippedSuites(): readonly string[] {
  return scope.getStore() ?? [];
}
