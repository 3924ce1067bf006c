/** Kernels for images: module metadata, load-order closure and Debian's kernel packages. */
export { findSection, type ModInfo, readModinfo } from './modinfo.ts';
export { moduleClosure, type ModuleRef, normaliseModuleName } from './closure.ts';
export { type DebianKernel, type KernelModule, loadDebianKernel, readKernelTree, type SelectedModule, selectModules } from './debian-kernel.ts';
