/**
 * Builds a scenario's spec into `out/qemu-tests/<scenario>/` with the real
 * builder, so every QEMU test boots exactly what `imago build` makes.
 */
import { join } from 'node:path';
import { build } from '../builder/src/build/build.ts';
import { buildOptions } from '../builder/src/build/options.ts';
import { terminalProgress } from '../builder/src/cli/progress.ts';

export async function buildScenario(scenario: string, arch = 'x86_64'): Promise<string> {
  const outDir = join('out', 'qemu-tests', scenario);
  const [image] = await build(join('qemu-tests', scenario, 'spec.yml'), buildOptions({ outDir, arch: [arch], progress: terminalProgress() }));
  return image!.dir;
}
