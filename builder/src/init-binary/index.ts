/**
 * The init-binary folder's public face, for callers outside the image build
 * (the init's native tests and host runs) that build an init of their own.
 */
export { buildInit, type BuildInitOptions, type InitBuild } from './build-init.ts';
export { compileInitScript, defaultInitEntry, runtimeModules, type InitScriptOptions } from './esbuild-init.ts';
export { compileBytecode } from './compile-bytecode.ts';
export { buildHostQjsc } from './host-qjsc.ts';
export { linkInit, type LinkInitOptions } from './link-init.ts';
export { buildRuntimeLibrary, type RuntimeLibrary, type RuntimeLibraryOptions } from './runtime-library.ts';
export type { Optimize } from './runtime-flags.ts';
export { fetchQuickjsSource, quickjsRelease, readQuickjsVersion } from './quickjs-source.ts';
