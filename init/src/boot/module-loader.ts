/**
 * Loads kernel modules in the order the builder resolved (dependencies first),
 * each at most once: at boot the image's boot modules, later, before a
 * service's first start, the modules only that service needs (a private
 * container network's), so they do not delay the services that start earlier.
 *
 *   const modules = new ModuleLoader(sys, log);
 *   modules.load(config.modules);                // "loaded 10 kernel modules"
 *   modules.load(publisher.modules, 'publisher'); // "loaded 15 kernel modules for publisher"
 */
import type { ModuleConfig } from '../../../contract/index.ts';
import { reasonOf, SysError, type Sys } from '../sys/sys.ts';

/** Where the loader reports: a count per batch, and each module it could not load. */
export interface ModuleLog {
  info(message: string): void;
  warn(message: string): void;
}

export class ModuleLoader {
  /**
   * Paths tried so far, loaded or not: a module that failed once fails again
   * (same kernel, same file), and a service that restarts would repeat the
   * warning every time.
   */
  private readonly tried = new Set<string>();

  constructor(
    private readonly sys: Sys,
    private readonly log: ModuleLog,
  ) {}

  /**
   * Loads those of `modules` not tried yet, in order, and logs how many, for
   * `service` when given. A module that cannot be loaded is a warning: the
   * init carries on, and what needs it reports its own error. Never throws.
   */
  load(modules: readonly ModuleConfig[], service?: string): void {
    const pending = modules.filter((module) => !this.tried.has(module.path));
    for (const module of pending) {
      this.tried.add(module.path);
      try {
        this.sys.loadModule(module.path);
      } catch (error) {
        // EEXIST: built into this kernel or loaded already.
        if (!(error instanceof SysError && error.errno === this.sys.errno.EEXIST)) this.log.warn(`unable to load module ${module.name}${service ? ` for ${service}` : ''}: ${reasonOf(error)}`);
      }
    }
    if (pending.length > 0) this.log.info(`loaded ${pending.length} kernel modules${service ? ` for ${service}` : ''}`);
  }
}
