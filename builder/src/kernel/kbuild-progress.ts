/**
 * Turns kbuild's output (`  CC      mm/slab.o`) into progress: a count of
 * compiled objects against an estimate, since kbuild never says how many there
 * will be. A lean kernel from tinyconfig has about 1,200-1,600 objects.
 */
import type { Progress } from '../progress.ts';

/** The kbuild quiet-mode verbs that each produce one object. */
const objectLine = /^\s+(CC|AS|CC \[M\])\s+(\S+\.o)$/;

/**
 * Returns a line handler for `make` that reports each compiled object to
 * `progress` (done of max(estimate, done + 1) until the end), and the running count.
 */
export function kbuildProgress(progress: Progress, estimate = 1400): { onLine: (line: string) => void; count: () => number } {
  let objects = 0;
  return {
    onLine(line) {
      const match = objectLine.exec(line);
      if (!match) return;
      objects++;
      progress.update(objects, Math.max(estimate, objects + 1), `${objects} objects, ${match[2]}`);
    },
    count: () => objects,
  };
}
