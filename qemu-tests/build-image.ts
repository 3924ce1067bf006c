/**
 * How the QEMU tests build an image: the real builder, with IMAGO_SKIP_SUITE
 * (a comma list) left out as `--skip-suite` does, and a security or updates
 * suite the mirror still serves mid-sync after the build's own retries left
 * out too, loudly. The tests are about what runs on the device, and the mirror
 * here once kept armhf's and i386's bookworm-security index at odds with its
 * Release file for days; the builder's refusal itself is tested in
 * builder/src/debian/apt-update-retry.test.ts, and each image's manifest lists
 * the suites it was built without.
 */
import { build } from '../builder/src/build/build.ts';
import { buildOptions } from '../builder/src/build/options.ts';
import type { BuildOptions } from '../builder/src/build/options.ts';
import { terminalProgress } from '../builder/src/cli/progress.ts';
import { MirrorSyncError } from '../builder/src/debian/apt-state.ts';
import { skippableSuites } from '../builder/src/debian/suite-selection.ts';

/** Suites left out of every build of this process. */
const skippedSuites = new Set(process.env.IMAGO_SKIP_SUITE?.split(',').filter(Boolean) ?? []);

/** The MirrorSyncError anywhere in `error`'s cause chain. */
function mirrorSync(error: unknown): MirrorSyncError | undefined {
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof MirrorSyncError) return e;
  return undefined;
}

/** Builds `spec` for one architecture; returns the image folder. */
export async function buildTestImage(spec: string, options: Partial<BuildOptions> & { outDir: string; arch: [string] }): Promise<string> {
  for (;;) {
    try {
      const [image] = await build(spec, buildOptions({ progress: terminalProgress(), ...options, skipSuites: [...skippedSuites] }));
      return image!.dir;
    } catch (error) {
      const stuck = mirrorSync(error)?.suites.filter((suite) => (skippableSuites as readonly string[]).includes(suite) && !skippedSuites.has(suite));
      if (!stuck?.length) throw error;
      process.stderr.write(`qemu-tests: the mirror's ${stuck.join(', ')} index is mid-sync; building ${options.arch[0]} without it (as --skip-suite does; the manifest says so)\n`);
      for (const suite of stuck) skippedSuites.add(suite);
    }
  }
}
