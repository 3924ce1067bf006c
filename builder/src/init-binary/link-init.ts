/**
 * The last step of the init binary: main() and the imago:native module with
 * the bytecode, linked statically with the QuickJS library (link-program.ts).
 * A static binary needs nothing from the image, so PID 1 runs before anything
 * else is mounted.
 */
import type { Target } from '../../../targets/types.ts';
import type { Progress } from '../progress.ts';
import { linkProgram, nativeDir } from './link-program.ts';
import type { RuntimeLibrary } from './runtime-library.ts';
import type { Optimize } from './runtime-flags.ts';

export { nativeDir };
const nativeSources = ['main.c', 'imago-native.c', 'imago-hash.c', 'imago-spawn.c'];
const nativeHeaders = ['imago-native.h', 'imago-hash.h', 'imago-spawn.h'];

export interface LinkInitOptions {
  target: Target;
  quickjsDir: string;
  library: RuntimeLibrary;
  /** C source of the bytecode, from compileBytecode. */
  bytecodeC: string;
  optimize: Optimize;
  progress: Progress;
}

/**
 * The static, stripped init for `target`, cached under
 * `<cacheRoot>/runtime/init-<triplet>-<key>/init`.
 *
 *   const binary = await linkInit({ target, quickjsDir, library, bytecodeC, optimize: 'O2', progress });
 */
export function linkInit(options: LinkInitOptions): Promise<Uint8Array> {
  return linkProgram({ ...options, name: 'init', sources: nativeSources, headers: nativeHeaders });
}
