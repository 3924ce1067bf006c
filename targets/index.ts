import { aarch64 } from './aarch64.ts';
import { armv7 } from './armv7.ts';
import { i386 } from './i386.ts';
import { mips } from './mips.ts';
import { mips64 } from './mips64.ts';
import { mips64el } from './mips64el.ts';
import { mipsel } from './mipsel.ts';
import type { Target } from './types.ts';
import { x86_64 } from './x86_64.ts';

export type { Bios, KernelBuild, Target, Uefi } from './types.ts';

/** Every architecture imago builds for, by spec name, in the order tables list them. */
export const targets: Readonly<Record<string, Target>> = Object.freeze({ i386, x86_64, armv7, aarch64, mips, mipsel, mips64, mips64el });

/** The names accepted in a spec's `arch` list and by `--arch`. */
export const targetNames = Object.keys(targets) as [string, ...string[]];

/** Looks up a target; throws with the list of known names when there is none. */
export function getTarget(name: string): Target {
  const target = targets[name];
  if (!target) throw new Error(`unknown architecture ${JSON.stringify(name)}: expected one of ${targetNames.join('|')}`);
  return target;
}
