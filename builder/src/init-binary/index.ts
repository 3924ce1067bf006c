export { buildInit, type BuildInitOptions, type InitBuild } from './build-init.ts';
export { bundleInit, defaultInitEntry, runtimeModules, type BundleOptions } from './esbuild-init.ts';
export { compileBytecode } from './compile-bytecode.ts';
export { buildHostQjsc } from './host-qjsc.ts';
export { linkInit, type LinkInitOptions } from './link-init.ts';
export { buildRuntimeLibrary, type RuntimeLibrary, type RuntimeLibraryOptions } from './runtime-library.ts';
export type { Optimize } from './runtime-flags.ts';
export { readQuickjsVersion } from './quickjs-sources.ts';
export { fetchQuickjsSource, quickjsRelease } from './quickjs-source.ts';
