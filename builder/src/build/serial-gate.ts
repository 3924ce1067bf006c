/**
 * A queue that runs one job at a time, in arrival order. Parallel builds of
 * several architectures pass their compiles through one, because a kernel
 * build alone keeps every core busy: downloads overlap, compiles take turns.
 *
 *   const compile = serialGate();
 *   await Promise.all([compile(() => buildKernel(mips, o)), compile(() => buildBusybox(mips64, o))]);
 */
import type { CompileGate } from './build-image.ts';

/** Returns a gate whose jobs never overlap; a failed job does not block the next. */
export function serialGate(): CompileGate {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(job: () => Promise<T>): Promise<T> => {
    const result = tail.then(job, job);
    tail = result.catch(() => undefined);
    return result;
  };
}
