/** Loads the image's kernel modules in the order the builder resolved (dependencies first). */
import type { ModuleConfig } from '../../../contract/index.ts';
import { reasonOf, SysError, type Sys } from '../sys/sys.ts';

export function loadModules(sys: Sys, modules: readonly ModuleConfig[], log: (message: string) => void): void {
  for (const module of modules) {
    try {
      sys.loadModule(module.path);
    } catch (error) {
      // EEXIST: built into this kernel or loaded already.
      if (!(error instanceof SysError && error.errno === sys.errno.EEXIST)) log(`warning: unable to load module ${module.name}: ${reasonOf(error)}`);
    }
  }
  if (modules.length > 0) log(`loaded ${modules.length} kernel modules`);
}
