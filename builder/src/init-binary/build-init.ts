/**
 * The init binary, start to finish: the one entry point the image build calls.
 * It only orders the steps (esbuild, qjsc, the QuickJS library, the link) and
 * runs the two independent compiles in parallel; each step lives in its own
 * module with its own cache.
 */
import type { Target } from '../../../targets/types.ts';
import type { Progress } from '../progress.ts';
import { compileInitScript } from './esbuild-init.ts';
import { compileBytecode } from './compile-bytecode.ts';
import { buildHostQjsc } from './host-qjsc.ts';
import { linkInit } from './link-init.ts';
import { buildRuntimeLibrary } from './runtime-library.ts';
import { buildTargetQjsc } from './target-qjsc.ts';
import type { Optimize } from './runtime-flags.ts';
import { shareProgress } from './shared-progress.ts';

export interface BuildInitOptions {
  target: Target;
  /** An unpacked QuickJS source tree (Debian's `quickjs` source package). */
  quickjsDir: string;
  /** The source package's version, e.g. `2025.04.26-1`; reported back for the image manifest. */
  quickjsVersion: string;
  /** The init's entry file, absolute or relative to the repository root (default `init/src/main.ts`). */
  entry?: string;
  /** gcc optimisation (default `O2`). */
  optimize?: Optimize;
  /** Minify the init script (default false: readable stack traces). */
  minify?: boolean;
  /** Drop line numbers from the bytecode (default false). */
  stripDebug?: boolean;
  progress: Progress;
}

export interface InitBuild {
  /** The static, stripped init executable for the target. */
  binary: Uint8Array;
  quickjsVersion: string;
  /** Size of the init's JavaScript (esbuild's output) and of its bytecode C source, for reports. */
  scriptBytes: number;
  bytecodeCBytes: number;
}

/**
 * Builds the init binary for one target: compile the TypeScript to one
 * JavaScript module (esbuild),
 * compile it to bytecode with a host qjsc, and link it statically with
 * QuickJS and our native module for the target. The slow steps (host qjsc,
 * target QuickJS library, final link) are cached, so a rebuild with unchanged
 * inputs takes about a second.
 *
 *   const { binary } = await buildInit({ target: x86_64, quickjsDir, quickjsVersion, progress });
 *
 * Throws esbuild's error for TypeScript problems and a CommandError for
 * failing host commands (qjsc, gcc, ar).
 */
export async function buildInit(options: BuildInitOptions): Promise<InitBuild> {
  const { target, quickjsDir, progress } = options;
  const optimize = options.optimize ?? 'O2';
  progress.step('compile init script (esbuild)');
  const source = await compileInitScript({ entry: options.entry, minify: options.minify });
  progress.done(`${source.length} bytes`);
  // The host qjsc and the target library are independent, and each is
  // dominated by the one big quickjs.c: building both at once uses two cores.
  progress.step(`compile QuickJS (host qjsc, ${target.name} library)`);
  const [qjscProgress, libraryProgress] = shareProgress(progress, 2);
  const [qjsc, library] = await Promise.all([
    buildHostQjsc({ quickjsDir, progress: qjscProgress! }),
    buildRuntimeLibrary({ target, quickjsDir, optimize, progress: libraryProgress! }),
  ]);
  progress.done();
  // Big-endian targets compile the bytecode with their own qjsc: see target-qjsc.ts.
  const compiler = target.elf.endian === 'MSB' ? await buildTargetQjsc({ target, quickjsDir, library, progress }) : qjsc;
  progress.step('compile init to bytecode');
  const bytecodeC = await compileBytecode({ qjsc: compiler, source, stripDebug: options.stripDebug });
  progress.done();
  const binary = await linkInit({ target, quickjsDir, library, bytecodeC, optimize, progress });
  return { binary, quickjsVersion: options.quickjsVersion, scriptBytes: source.length, bytecodeCBytes: bytecodeC.length };
}
