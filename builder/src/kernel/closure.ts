/**
 * Works out which kernel modules to load, and in which order, from the `depends`
 * of each module: what `modprobe` does from modules.dep, which Debian's packages
 * do not ship (depmod runs at install time).
 *
 *   moduleClosure(index, ['virtio_net']);
 *   // ['virtio', 'virtio_ring', 'failover', 'net_failover', 'virtio_net']
 */

/** What the closure needs to know about one module. */
export interface ModuleRef {
  depends: string[];
  /** Loaded before the module when present in the index, as modprobe's softdep does. */
  softdepPre?: string[];
}

/** Module names compare with '-' and '_' as the same character, as the kernel does. */
export function normaliseModuleName(name: string): string {
  return name.replace(/-/g, '_');
}

/**
 * Returns the modules to load for `names`, dependencies first, each once. Index keys
 * must be normalised names. Pure. Throws naming an unknown module (and who needs
 * it) or a dependency cycle.
 */
export function moduleClosure(index: ReadonlyMap<string, ModuleRef>, names: string[]): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const active: string[] = [];
  const visit = (raw: string, neededBy?: string) => {
    const name = normaliseModuleName(raw);
    if (done.has(name)) return;
    if (active.includes(name)) throw new Error(`kernel module dependency cycle: ${[...active.slice(active.indexOf(name)), name].join(' -> ')}`);
    const module = index.get(name);
    if (!module) {
      throw new Error(`unknown kernel module ${JSON.stringify(raw)}${neededBy ? ` (needed by ${neededBy})` : ''}: not in this kernel's modules`);
    }
    active.push(name);
    // Soft dependencies are optional: modprobe carries on when one does not exist.
    // A soft dependency that would close a cycle is dropped rather than reported.
    for (const soft of module.softdepPre ?? []) {
      const key = normaliseModuleName(soft);
      if (index.has(key) && !active.includes(key)) visit(soft, name);
    }
    for (const dependency of module.depends) visit(dependency, name);
    active.pop();
    done.add(name);
    order.push(name);
  };
  for (const name of names) visit(name);
  return order;
}
