/**
 * What the host image itself needs to run containers: Debian's containerd and
 * runc (or containerd and crun compiled from Debian's sources, on mips and
 * mips64 or when the spec's container_runtime asks, see runtime-from-source.ts),
 * and kernel support (Debian kernels: modules; built kernels: the
 * kernel-config/containers.config fragment). Empty for a spec without containers.
 */
import { fileURLToPath } from 'node:url';
import type { Spec } from '../spec/schema.ts';
import { usesContainers } from './names.ts';
import { privateNetworkModules, privateNetworkPackages, usesPrivateNetwork } from './private-network.ts';

/** Whether containerd, runc and the CNI plugins are compiled from source: asked for, or Debian has no binaries for the target. */
export function runtimeFromSource(spec: Spec, target: { debianArch?: string }): boolean {
  return usesContainers(spec) && (spec.container_runtime?.from_source === true || !target.debianArch);
}

/**
 * Debian packages the image needs for containers (with their dependencies,
 * resolved later): containerd and runc, and for a private network the CNI
 * plugins and iptables; only iptables when the runtime is compiled from source.
 */
export function containerHostPackages(spec: Spec): string[] {
  if (!usesContainers(spec)) return [];
  const network = usesPrivateNetwork(spec) ? privateNetworkPackages : [];
  if (spec.container_runtime?.from_source) return network.filter((name) => name === 'iptables');
  return ['containerd', 'runc', ...network];
}

/**
 * Modules a Debian kernel loads at boot for containers: overlayfs for
 * containerd's snapshotter. Namespaces, cgroups, seccomp and the BPF device
 * controller are built into Debian's kernels; host and loopback-only
 * networking need nothing more. Private networks' modules are not among
 * them: see privateNetworkKernelModules.
 */
export function containerKernelModules(spec: Spec): string[] {
  return usesContainers(spec) ? ['overlay'] : [];
}

/**
 * Modules a Debian kernel loads for private networks (the bridge and
 * netfilter ones), which the init loads before the first start of a service
 * on one rather than at boot: with their dependencies they are 19 of the
 * edge image's 29 modules on x86_64, about 0.2 s under QEMU, which would
 * delay every service that starts earlier. None without a private network.
 */
export function privateNetworkKernelModules(spec: Spec): string[] {
  return usesPrivateNetwork(spec) ? privateNetworkModules : [];
}

/** Extra kernel config fragments (absolute paths) for a kernel built from source. */
export function containerKernelFragments(spec: Spec): string[] {
  return usesContainers(spec) ? [fileURLToPath(new URL('../../../kernel-config/containers.config', import.meta.url))] : [];
}

/** Files of Debian's containerd package an image does not use (the v1 shims): about 18 MB of RAM saved. */
export const unusedContainerdFiles = ['/usr/bin/containerd-shim', '/usr/bin/containerd-shim-runc-v1'];
