/**
 * The first step of the init binary: esbuild turns the init's TypeScript
 * (init/src/main.ts and everything it imports) into one ES module that
 * QuickJS can compile to bytecode. Kept apart from the C steps because it is
 * the only one that depends on the TypeScript, and the one a test uses alone
 * to run the init's code on the host.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { BuildError } from '../errors.ts';

/** The repository root, for default paths and stable source comments. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The init's entry point, relative to the repository root. */
export const defaultInitEntry = 'init/src/main.ts';

/** Modules the QuickJS binary provides itself; esbuild leaves their imports alone. */
export const runtimeModules = ['os', 'std', 'imago:native'];

export interface InitScriptOptions {
  /** Entry file, absolute or relative to the repository root (default `init/src/main.ts`). */
  entry?: string;
  /** Minify identifiers and whitespace (smaller bytecode, terser stack traces). */
  minify?: boolean;
  /** Further modules the binary provides itself (the agent's `imago:tls`); the init has none. */
  nativeModules?: string[];
}

/**
 * Compiles the init's TypeScript into one ES module for QuickJS with esbuild.
 * The output is deterministic: it depends only on the source files (paths in
 * comments are relative to the repository root, and there are no timestamps).
 *
 *   const js = await compileInitScript({ entry: 'init/test/native-smoke.ts' });
 *
 * Returns the JavaScript text. Throws esbuild's error (with file:line:column
 * messages) when compiling fails.
 */
export async function compileInitScript(options: InitScriptOptions = {}): Promise<string> {
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: [options.entry ?? defaultInitEntry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    // QuickJS 2025-04 implements ES2023; top-level await needs ES2022 or later.
    target: 'es2023',
    external: [...runtimeModules, ...(options.nativeModules ?? [])],
    minify: options.minify ?? false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new BuildError(`failed to compile ${options.entry ?? defaultInitEntry} with esbuild: it produced no output`);
  return file.text;
}
