/**
 * Builds a scenario's spec into `out/qemu-tests/<scenario>/` with the real
 * builder, so every QEMU test boots exactly what `imago build` makes.
 */
import { join } from 'node:path';
import { buildTestImage } from './build-image.ts';

export async function buildScenario(scenario: string, arch = 'x86_64'): Promise<string> {
  const outDir = join('out', 'qemu-tests', scenario);
  return buildTestImage(join('qemu-tests', scenario, 'spec.yml'), { outDir, arch: [arch] });
}
