/**
 * How to build, kept apart from what to build (the spec). Frozen once made, so
 * no step can change it under another.
 */
import { defaultCompression, type Compression } from '../archive/compress.ts';
import { silentProgress, type Progress } from '../progress.ts';
import type { FormatName } from '../formats/registry.ts';
import { UsageError } from '../errors.ts';

export interface BuildOptions {
  /** Architectures to build; overrides the spec's `arch`. */
  readonly arch?: readonly string[];
  /** Output folder; each architecture goes into `<outDir>/<arch>/`. */
  readonly outDir: string;
  /** Timestamp for every file in the image (SOURCE_DATE_EPOCH, default 0). */
  readonly sourceDateEpoch: number;
  readonly compression: Compression;
  readonly progress: Progress;
  /** Extra output formats (see formats/registry.ts); the initrd format is always written. */
  readonly formats: readonly FormatName[];
  /** The image is booted right after the build (`imago run SPEC`), so QEMU is checked for up front too. */
  readonly boot: boolean;
  /**
   * Debian suites left out of the private apt sources (`--skip-suite`), e.g. a
   * `bookworm-security` the mirror is syncing; the manifest records them.
   */
  readonly skipSuites: readonly string[];
}

/** Fills in defaults from the environment and freezes the result; a bad SOURCE_DATE_EPOCH is a UsageError. */
export function buildOptions(given: Partial<BuildOptions> = {}, env: NodeJS.ProcessEnv = process.env): BuildOptions {
  const epoch = given.sourceDateEpoch ?? (env.SOURCE_DATE_EPOCH ? Number(env.SOURCE_DATE_EPOCH) : 0);
  if (!Number.isInteger(epoch) || epoch < 0) throw new UsageError(`SOURCE_DATE_EPOCH must be a whole number of seconds, got ${JSON.stringify(env.SOURCE_DATE_EPOCH)}`);
  return Object.freeze({
    arch: given.arch,
    outDir: given.outDir ?? 'out',
    sourceDateEpoch: epoch,
    compression: given.compression ?? defaultCompression,
    progress: given.progress ?? silentProgress,
    formats: given.formats ?? [],
    boot: given.boot ?? false,
    skipSuites: Object.freeze([...new Set(given.skipSuites ?? [])].sort()),
  });
}
