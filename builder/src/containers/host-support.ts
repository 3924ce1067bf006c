/**
 * What the host image itself needs to run containers: Debian's containerd,
 * runc and, for a private network, CNI plugins and iptables; or, on mips and
 * mips64 or when the spec's container_runtime asks, containerd, crun, the CNI
 * plugins and iptables compiled from Debian's sources (runtime-from-source.ts,
 * iptables-from-source.ts), so no Debian package at all; and kernel support
 * (Debian kernels: modules; built kernels: the kernel-config/containers.config
 * fragment). Empty for a spec without containers.
 */
import { fileURLToPath } from 'node:url';
import type { Spec } from '../spec/schema.ts';
import { usesContainers } from './names.ts';
import { privateNetworkModules, privateNetworkPackages, usesPrivateNetwork, type IptablesBackend } from './private-network.ts';

/** Whether containerd, crun, the CNI plugins and iptables are compiled from source: asked for, or Debian has no binaries for the target. */
export function runtimeFromSource(spec: Spec, target: { debianArch?: string }): boolean {
  return usesContainers(spec) && (spec.container_runtime?.from_source === true || !target.debianArch);
}

/**
 * Which iptables an image with a private network on `target` gets: the one
 * compiled with the runtime (legacy backend), or Debian's package (nft).
 * The compiled one is static, so the image carries no glibc for it: Debian's
 * brought libc6, its gconv modules, libnftnl, libxtables and the xtables
 * extensions, about 15 MB of the edge image's RAM on x86_64, for a program
 * that runs once per container start.
 */
export function iptablesBackend(spec: Spec, target: { debianArch?: string }): IptablesBackend {
  return runtimeFromSource(spec, target) ? 'legacy' : 'nft';
}

/**
 * Debian packages the image needs for containers (with their dependencies,
 * resolved later): containerd and runc, and for a private network the CNI
 * plugins and iptables; none when the runtime is compiled from source (it
 * brings its own plugins and iptables).
 */
export function containerHostPackages(spec: Spec): string[] {
  if (!usesContainers(spec) || spec.container_runtime?.from_source) return [];
  return ['containerd', 'runc', ...(usesPrivateNetwork(spec) ? privateNetworkPackages : [])];
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
 * Modules a Debian kernel on `target` loads for private networks (the bridge
 * and netfilter ones, for the backend of the image's iptables), which the
 * init loads before the first start of a service on one rather than at boot:
 * with their dependencies they are 15 of the edge image's 25 modules on
 * x86_64 (legacy; 19 of 29 for nft), about 0.15 s under QEMU, which would
 * delay every service that starts earlier. None without a private network.
 */
export function privateNetworkKernelModules(spec: Spec, target: { debianArch?: string }): string[] {
  return usesPrivateNetwork(spec) ? [...privateNetworkModules[iptablesBackend(spec, target)]] : [];
}

/** Extra kernel config fragments (absolute paths) for a kernel built from source. */
export function containerKernelFragments(spec: Spec): string[] {
  return usesContainers(spec) ? [fileURLToPath(new URL('../../../kernel-config/containers.config', import.meta.url))] : [];
}

/** Files of Debian's containerd package an image does not use (the v1 shims): about 18 MB of RAM saved. */
export const unusedContainerdFiles = ['/usr/bin/containerd-shim', '/usr/bin/containerd-shim-runc-v1'];
