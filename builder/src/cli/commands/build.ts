import { build } from '../../build/build.ts';
import { buildOptions } from '../../build/options.ts';
import type { Compression } from '../../archive/compress.ts';
import type { FormatName } from '../../formats/registry.ts';
import { terminalProgress } from '../progress.ts';

export interface BuildFlags {
  out: string;
  arch?: string[];
  compression: Compression;
  format?: FormatName[];
  skipSuite?: string[];
}

/** `imago build SPEC`: builds every architecture and prints where each image went. */
export async function buildCommand(spec: string, flags: BuildFlags): Promise<void> {
  const options = buildOptions({ outDir: flags.out, arch: flags.arch, compression: flags.compression, formats: (flags.format ?? []).filter((f) => f !== 'initrd'), skipSuites: flags.skipSuite, progress: terminalProgress() });
  const started = Date.now();
  const images = await build(spec, options);
  for (const { dir, manifest } of images) {
    const initrd = manifest.outputs['initrd.img']!;
    process.stdout.write(`${dir}: ${manifest.name} for ${manifest.arch}, kernel ${manifest.kernel.release}, initrd ${(initrd.size / 1e6).toFixed(2)} MB, init ${(manifest.init.size / 1e6).toFixed(2)} MB\n`);
  }
  process.stderr.write(`built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
