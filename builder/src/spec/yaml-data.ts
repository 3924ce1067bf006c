/**
 * Turns a parsed YAML document into plain data, or into a located problem
 * when its aliases cannot be expanded: an alias to no anchor, or aliases
 * nested to expand into far more data than any spec holds (a "billion laughs"
 * file, which would otherwise take the builder's memory).
 *
 *   const result = documentData(doc);  // { data } or { problem }
 */
import { isAlias, isCollection, isPair, visit, type Alias, type Document, type Node, type Pair } from 'yaml';
import { pathOf } from './yaml-path.ts';

/** Copies of anchored values a spec may expand to; yaml counts each alias by the aliases within its anchor. */
export const maxAliasCount = 100;

/** A problem at an offset in the text, with the spec path of the node there. */
export interface OffsetProblem {
  offset: number;
  path: (string | number)[];
  message: string;
}

type Ancestors = readonly (Document | Node | Pair)[];

/** The first alias (in document order) that `accept` picks, with its path. */
function findAlias(doc: Document, accept: (alias: Alias) => boolean): { alias: Alias; path: (string | number)[] } | undefined {
  let found: { alias: Alias; path: (string | number)[] } | undefined;
  visit(doc, {
    Alias(_, alias, ancestors: Ancestors) {
      if (!accept(alias)) return undefined;
      found = { alias, path: pathOf(ancestors, alias) };
      return visit.BREAK;
    },
  });
  return found;
}

/** How many values `node` stands for once every alias in it is expanded. */
function expandedSize(doc: Document, node: unknown, memo: Map<unknown, number>): number {
  const known = memo.get(node);
  if (known !== undefined) return known;
  memo.set(node, 1); // an alias inside its own anchor counts once instead of looping
  let size = 1;
  if (isAlias(node)) size = expandedSize(doc, node.resolve(doc), memo);
  else if (isPair(node)) size = expandedSize(doc, node.key, memo) + expandedSize(doc, node.value, memo);
  else if (isCollection(node)) for (const item of node.items) size += expandedSize(doc, item, memo);
  memo.set(node, size);
  return size;
}

function aliasProblem(doc: Document, error: Error): OffsetProblem | undefined {
  if (error.message.startsWith('Unresolved alias')) {
    const found = findAlias(doc, (alias) => alias.resolve(doc) === undefined);
    if (!found) return undefined;
    const name = found.alias.source;
    return {
      offset: found.alias.range?.[0] ?? 0,
      path: found.path,
      message: `alias *${name} refers to no anchor: expected &${name} on a value before it. Define the anchor first, or quote the text if "*${name}" is meant literally`,
    };
  }
  if (error.message.startsWith('Excessive alias count')) {
    const memo = new Map<unknown, number>();
    let largest = 0;
    visit(doc, { Alias: (_, alias) => void (largest = Math.max(largest, expandedSize(doc, alias, memo))) });
    const found = findAlias(doc, (alias) => expandedSize(doc, alias, memo) === largest);
    if (!found) return undefined;
    const count = largest >= 1e6 ? `more than ${(1e6).toLocaleString('en')}` : largest.toLocaleString('en');
    return {
      offset: found.alias.range?.[0] ?? 0,
      path: found.path,
      message: `alias *${found.alias.source} expands to ${count} values, more than any spec needs: nested aliases can make a small file expand without end (a "billion laughs"). Write the values out, or nest aliases less`,
    };
  }
  return undefined;
}

/**
 * The document's data, or the problem that stops it being read.
 * @throws the original error for anything other than an alias problem (a bug, not a bad spec)
 */
export function documentData(doc: Document): { data: unknown; problem?: undefined } | { data?: undefined; problem: OffsetProblem } {
  try {
    return { data: doc.toJS({ maxAliasCount }) };
  } catch (error) {
    const problem = error instanceof Error ? aliasProblem(doc, error) : undefined;
    if (!problem) throw error;
    return { problem };
  }
}
