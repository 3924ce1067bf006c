import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

/** The repository root, for default paths and stable source comments. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The init's entry point, relative to the repository root. */
export const defaultInitEntry = 'init/src/main.ts';

/** Modules the QuickJS binary provides itself; never bundled. */
export const runtimeModules = ['os', 'std', 'imago:native'];

export interface BundleOptions {
  /** Entry file, absolute or relative to the repository root (default `init/src/main.ts`). */
  entry?: string;
  /** Minify identifiers and whitespace (smaller bytecode, terser stack traces). */
  minify?: boolean;
}

/**
 * Bundles the init's TypeScript into one ES module for QuickJS with esbuild.
 * The output is deterministic: it depends only on the source files (paths in
 * comments are relative to the repository root, and there are no timestamps).
 *
 *   const js = await bundleInit({ entry: 'init/test/native-smoke.ts' });
 *
 * Returns the JavaScript text. Throws esbuild's error (with file:line:column
 * messages) when bundling fails.
 */
export async function bundleInit(options: BundleOptions = {}): Promise<string> {
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: [options.entry ?? defaultInitEntry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    // QuickJS 2025-04 implements ES2023; top-level await needs ES2022 or later.
    target: 'es2023',
    external: runtimeModules,
    minify: options.minify ?? false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`failed to bundle ${options.entry ?? defaultInitEntry}: esbuild produced no output`);
  return file.text;
}
