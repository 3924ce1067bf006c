/**
 * Configures a kernel build folder: `make tinyconfig`, our fragments appended
 * (later lines override earlier ones, as Kconfig reads them), `make
 * olddefconfig`, then a check that every requested option survived.
 *
 *   const config = await configureKernel(mips, source, requested, '/tmp/build', env);
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Target } from '../../../targets/types.ts';
import { run } from '../io/exec.ts';
import { droppedOptions, parseConfig, renderConfig, type KernelConfig } from './config-fragment.ts';
import type { KernelSource } from './kernel-source.ts';

/** Runs kbuild for `target` out of tree in `buildDir`. */
export function kbuild(target: Target, source: KernelSource, buildDir: string, goals: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void) {
  const recipe = target.kernel.build;
  return run('make', ['-C', source.dir, `O=${buildDir}`, `ARCH=${recipe.arch}`, `CROSS_COMPILE=${target.triplet}-`, ...goals], { env, onLine });
}

/**
 * Writes `<buildDir>/.config` and returns its text. Throws naming every
 * requested option that `olddefconfig` dropped or changed (Kconfig does so
 * silently when a dependency is missing) and the fragments to fix.
 */
export async function configureKernel(target: Target, source: KernelSource, requested: KernelConfig, buildDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  await kbuild(target, source, buildDir, ['tinyconfig'], env);
  const dotConfig = join(buildDir, '.config');
  await writeFile(dotConfig, (await readFile(dotConfig, 'utf8')) + renderConfig(requested));
  await kbuild(target, source, buildDir, ['olddefconfig'], env);
  const config = await readFile(dotConfig, 'utf8');
  const dropped = droppedOptions(requested, parseConfig(config, '.config'));
  if (dropped.length > 0) {
    const list = dropped.map((d) => `CONFIG_${d.name}=${d.wanted} (got ${d.got})`).join(', ');
    throw new Error(
      `kernel config for ${target.name}: ${dropped.length} requested option(s) did not survive olddefconfig (missing dependencies?): ${list}. ` +
        `Fix kernel-config/common.config or kernel-config/${target.kernel.build.fragment}.config`,
    );
  }
  return config;
}
