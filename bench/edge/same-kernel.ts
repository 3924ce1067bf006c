/**
 * The ratio of edge's boot to minimal's only means something when both boot
 * the same kernel: this checks the two manifests say so. Pure.
 *
 *   sameKernel('x86_64', minimalManifest, edgeManifest);   // 'linux-image-6.1.0-56-amd64 6.1.192-2'
 */
import type { Manifest } from '../../builder/src/build/manifest.ts';

/** The parts of a manifest that identify the kernel an image boots. */
export type KernelFacts = Pick<Manifest, 'kernel'> & { outputs: { kernel?: { sha256: string } } };

/**
 * Names the kernel both images boot (package, version, "built" for one built
 * from kernel-config/). Throws naming both kernels when the written kernel
 * files differ, or when a manifest lists no kernel file.
 */
export function sameKernel(arch: string, minimal: KernelFacts, edge: KernelFacts): string {
  const minimalFile = minimal.outputs.kernel?.sha256;
  const edgeFile = edge.outputs.kernel?.sha256;
  if (minimalFile === undefined || edgeFile === undefined) {
    throw new Error(`${arch}: manifest.json outputs.kernel: expected the kernel file's sha256 in both images, missing in ${minimalFile === undefined ? 'minimal' : 'edge'}`);
  }
  if (minimalFile !== edgeFile) {
    throw new Error(`${arch}: minimal and edge boot different kernels (${describeKernel(minimal)}, sha256 ${minimalFile.slice(0, 12)}; ${describeKernel(edge)}, sha256 ${edgeFile.slice(0, 12)}): expected one kernel, or the ratio compares kernels rather than images`);
  }
  return describeKernel(edge);
}

function describeKernel({ kernel }: KernelFacts): string {
  return `${kernel.package} ${kernel.version}${kernel.built ? ' (built)' : ''}`;
}
