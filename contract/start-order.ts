/**
 * The service dependency graph. Pure and free of QuickJS imports, so the builder
 * uses the very same code to reject a bad spec that the init uses to order starts
 * and stops.
 *
 *   const order = startOrder([{ name: 'app', dependsOn: ['db'] }, { name: 'db', dependsOn: [] }]);
 *   // order.ok === true, order.order = ['db', 'app']; stop in reverse.
 */

export interface GraphNode {
  name: string;
  dependsOn: readonly string[];
}

export type OrderResult =
  | { ok: true; order: string[] }
  | { ok: false; cycle: string[] };

/**
 * Orders nodes so every node comes after its dependencies; among nodes that are
 * free to go, declaration order is kept, so the order is stable and predictable.
 * Unknown dependency names are ignored here (the spec rules report them).
 * Returns the cycle, e.g. ['a', 'b', 'a'], when there is one.
 */
export function startOrder(nodes: readonly GraphNode[]): OrderResult {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  // The depth-first search keeps its own stack instead of recursing: the init
  // runs this under QuickJS with a small native stack, and a chain of a few
  // thousand services would overflow it. Each frame is a node on the current
  // path and the index of the next dependency to look at.
  const path: string[] = [];
  const nextDependency: number[] = [];

  const enter = (name: string): string[] | undefined => {
    const seen = state.get(name);
    if (seen === 'done') return undefined;
    if (seen === 'visiting') return [...path.slice(path.indexOf(name)), name];
    if (!byName.has(name)) return undefined;
    state.set(name, 'visiting');
    path.push(name);
    nextDependency.push(0);
    return undefined;
  };

  const visit = (root: string): string[] | undefined => {
    const cycle = enter(root);
    if (cycle) return cycle;
    while (path.length > 0) {
      const top = path.length - 1;
      const name = path[top]!;
      const dependsOn = byName.get(name)!.dependsOn;
      const index = nextDependency[top]!;
      if (index < dependsOn.length) {
        nextDependency[top] = index + 1;
        const cycle = enter(dependsOn[index]!);
        if (cycle) return cycle;
        continue;
      }
      path.pop();
      nextDependency.pop();
      state.set(name, 'done');
      order.push(name);
    }
    return undefined;
  };

  for (const node of nodes) {
    const cycle = visit(node.name);
    if (cycle) return { ok: false, cycle };
  }
  return { ok: true, order };
}

/** The names that depend on `name` directly, in declaration order. */
export function dependantsOf(nodes: readonly GraphNode[], name: string): string[] {
  return nodes.filter((node) => node.dependsOn.includes(name)).map((node) => node.name);
}
