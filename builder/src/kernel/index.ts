/** Kernels for images: Debian's kernel packages (with module closure) or lean kernels built from linux-source-6.1. */
export { findSection, type ModInfo, readModinfo } from './modinfo.ts';
export { moduleClosure, type ModuleRef, normaliseModuleName } from './closure.ts';
export { type DebianKernel, type KernelModule, loadDebianKernel, readKernelTree, type SelectedModule, selectModules } from './debian-kernel.ts';
export { buildKernel, type BuildKernelOptions, type BuiltKernel, kbuildEnv } from './build-kernel.ts';
export { droppedOptions, type DroppedOption, type KernelConfig, parseConfig, renderConfig } from './config-fragment.ts';
export { kbuildProgress } from './kbuild-progress.ts';
export { type KernelFragment, kernelConfigDir, readKernelFragments } from './kernel-fragments.ts';
export { type KernelSource, kernelSource, kernelSourcePackage } from './kernel-source.ts';
