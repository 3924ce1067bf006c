import type { Target } from './types.ts';
import { x86_64 } from './x86_64.ts';

export type { Target } from './types.ts';

/** Every architecture imago builds for, by spec name. */
export const targets: Readonly<Record<string, Target>> = Object.freeze({ x86_64 });

/** The names accepted in a spec's `arch` list and by `--arch`. */
export const targetNames = Object.keys(targets) as [string, ...string[]];

/** Looks up a target; throws with the list of known names when there is none. */
export function getTarget(name: string): Target {
  const target = targets[name];
  if (!target) throw new Error(`unknown architecture ${JSON.stringify(name)}: expected one of ${targetNames.join('|')}`);
  return target;
}
