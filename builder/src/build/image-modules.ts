/**
 * Which modules of a Debian kernel an image gets, split by when the init
 * loads them: at boot, or before the first start of a service that runs a
 * container on the private network. Loading the bridge and netfilter modules
 * at boot delayed every service by their load time (the edge image's 19 with
 * Debian's nft iptables, about 0.2 s on an emulated x86_64; 15 with the
 * compiled legacy one), services that never touch the private network
 * included. Pure.
 *
 *   const names = imageModuleNames(spec, x86_64);
 *   const { boot, privateNetwork } = selectImageModules(kernel, names);
 */
import type { Target } from '../../../targets/types.ts';
import { containerKernelModules, privateNetworkKernelModules } from '../containers/host-support.ts';
import { diskKernelModules } from '../formats/raw/disk-modules.ts';
import { selectModules, type DebianKernel, type SelectedModule } from '../kernel/debian-kernel.ts';
import type { Spec } from '../spec/schema.ts';

/** Module names asked for, before their dependencies are resolved. */
export interface ModuleNames {
  /** Loaded at boot: the target's, the update disk's, overlayfs for containers, the spec's `kernel.modules`. */
  boot: string[];
  /** Loaded before the first start of a private-network container. */
  privateNetwork: string[];
}

/** An image's module files, each in load order (dependencies first). */
export interface ImageModules {
  boot: SelectedModule[];
  /** The private network's closure less the modules `boot` has: those are loaded by then. */
  privateNetwork: SelectedModule[];
}

/** The module names `spec` needs on `target`, split by when they are loaded. */
export function imageModuleNames(spec: Spec, target: Target): ModuleNames {
  return {
    boot: [...target.kernel.bootModules, ...diskKernelModules(spec, target), ...containerKernelModules(spec), ...(spec.kernel?.modules ?? [])],
    privateNetwork: privateNetworkKernelModules(spec, target),
  };
}

/**
 * Resolves `names` against `kernel`: the boot closure, and the private
 * network's closure less the modules the boot closure has (both stay in load
 * order: what is dropped is loaded earlier, at boot). Throws naming a module
 * the kernel does not have.
 */
export function selectImageModules(kernel: DebianKernel, names: ModuleNames): ImageModules {
  const boot = selectModules(kernel, names.boot);
  const atBoot = new Set(boot.map((module) => module.name));
  const privateNetwork = selectModules(kernel, names.privateNetwork).filter((module) => !atBoot.has(module.name));
  return { boot, privateNetwork };
}
