/**
 * The gcc flags every C file of the init binary shares, in one place so the
 * QuickJS library, a target qjsc and the final link agree on them (and their
 * cache keys change together).
 */
import type { Target } from '../../../targets/types.ts';

/** gcc optimisation level for the init runtime: speed (`O2`) or size (`Os`). */
export type Optimize = 'O2' | 'Os';

/** The target's C compiler: `<triplet>-gcc` (the host gcc's name for x86_64). */
export function targetCompiler(target: Target): string {
  return `${target.triplet}-gcc`;
}

/**
 * Flags for every C file of the init binary on `target`. Function and data
 * sections let the static link drop what the init never calls; -fwrapv is
 * what QuickJS's Makefile relies on for signed overflow.
 */
export function runtimeCflags(target: Target, optimize: Optimize): string[] {
  return [`-${optimize}`, '-fwrapv', '-ffunction-sections', '-fdata-sections', ...target.cflags];
}

/**
 * Maps `dir` to `name` in everything the compiler records (assert()'s
 * __FILE__, debug info), so the binary does not depend on where sources or
 * the work directory happen to be.
 */
export function prefixMap(dir: string, name: string): string {
  return `-ffile-prefix-map=${dir.replace(/\/+$/, '')}=${name}`;
}
