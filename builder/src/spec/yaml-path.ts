/**
 * The spec path of a YAML node from the ancestors `visit` passes, so that
 * problems found on the YAML itself (aliases, duplicate keys, octal modes)
 * are named like schema problems: `services[0].env`.
 *
 *   visit(doc, { Alias: (_, node, ancestors) => pathOf(ancestors, node) });
 */
import { isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';

/** The keys and indexes leading from the document to `node`. */
export function pathOf(ancestors: readonly (Document | Node | Pair)[], node: Node | Pair): (string | number)[] {
  const path: (string | number)[] = [];
  for (let i = 0; i < ancestors.length; i++) {
    const ancestor = ancestors[i];
    const child = ancestors[i + 1] ?? node;
    if (isSeq(ancestor)) path.push(ancestor.items.indexOf(child as Node));
    else if (isPair(ancestor) && child === ancestor.value) path.push(isScalar(ancestor.key) ? String(ancestor.key.value) : '?');
  }
  return path;
}
