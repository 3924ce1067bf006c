/** Loads the image's kernel modules in the order the builder resolved (dependencies first). */
import * as native from 'imago:native';
import type { ModuleConfig } from '../../../contract/index.ts';

export function loadModules(modules: readonly ModuleConfig[], log: (message: string) => void): void {
  for (const module of modules) {
    const result = native.finitModule(module.path, '');
    // EEXIST: built into this kernel or loaded already.
    if (result < 0 && result !== -native.EEXIST) log(`warning: unable to load module ${module.name}: ${native.strerror(-result)}`);
  }
  if (modules.length > 0) log(`loaded ${modules.length} kernel modules`);
}
