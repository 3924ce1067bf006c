/**
 * Which architectures the QEMU scenarios boot: `IMAGO_TEST_ARCH` as a comma
 * list, or `all`; by default x86_64 and big-endian 32-bit MIPS (the one whose
 * kernel and BusyBox are built from source), as `make test` runs them.
 */
import { targetNames } from '../targets/index.ts';

/** Default architectures for `make test`. */
export const defaultTestArches = ['x86_64', 'mips'];

/** Parses `IMAGO_TEST_ARCH`; throws naming an unknown architecture. */
export function testArches(env: NodeJS.ProcessEnv = process.env): string[] {
  const value = env.IMAGO_TEST_ARCH?.trim();
  if (!value) return defaultTestArches;
  if (value === 'all') return [...targetNames];
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !targetNames.includes(name));
  if (unknown.length > 0) throw new Error(`IMAGO_TEST_ARCH: unknown architecture ${unknown.join(', ')}: expected all or a comma list of ${targetNames.join('|')}`);
  return names;
}
