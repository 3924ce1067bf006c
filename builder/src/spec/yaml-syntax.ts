/**
 * Turns the yaml library's syntax errors into messages in the spec author's
 * words, at the place to fix: a duplicate key is named, an unclosed quote is
 * shown where it opened (not where the file ends), a second document is
 * called one.
 *
 *   const problems = doc.errors.map((error) => syntaxProblem(doc, error, lineOf));
 */
import { isPair, isScalar, Scalar, visit, type Document, type Node, type Pair, type YAMLError } from 'yaml';
import type { OffsetProblem } from './yaml-data.ts';
import { describeValue } from './format-issue.ts';
import { pathOf } from './yaml-path.ts';

type Ancestors = readonly (Document | Node | Pair)[];

function duplicateKey(doc: Document, offset: number, lineOf: (offset: number) => number): OffsetProblem | undefined {
  let problem: OffsetProblem | undefined;
  visit(doc, {
    Map(_, map, ancestors: Ancestors) {
      const pairs = map.items.filter((pair): pair is Pair<Scalar> => isPair(pair) && isScalar(pair.key));
      const duplicate = pairs.find((pair) => pair.key.range?.[0] === offset);
      if (!duplicate) return undefined;
      const first = pairs.find((pair) => pair.key.value === duplicate.key.value)!;
      const key = describeValue(String(duplicate.key.value));
      problem = {
        offset,
        path: [...pathOf(ancestors, map), String(duplicate.key.value)],
        message: `duplicate key ${key}: already set at line ${lineOf(first.key.range?.[0] ?? 0)}; a mapping sets each key once, keep one of them`,
      };
      return visit.BREAK;
    },
  });
  return problem;
}

/** The quoted scalar that runs up to `offset` without its closing quote. */
function unclosedQuote(doc: Document, offset: number, lineOf: (offset: number) => number): OffsetProblem | undefined {
  let problem: OffsetProblem | undefined;
  visit(doc, {
    Scalar(_, scalar, ancestors: Ancestors) {
      if (scalar.type !== Scalar.QUOTE_DOUBLE && scalar.type !== Scalar.QUOTE_SINGLE) return undefined;
      const [start = 0, end = 0] = scalar.range ?? [];
      if (start > offset || end < offset) return undefined;
      const quote = scalar.type === Scalar.QUOTE_DOUBLE ? '"' : "'";
      problem = {
        offset: start,
        path: pathOf(ancestors, scalar),
        message: `unclosed quote: the ${quote} opened here is never closed (the text runs on to line ${lineOf(offset)}). Add the closing ${quote}`,
      };
      return visit.BREAK;
    },
  });
  return problem;
}

/**
 * One syntax error as a problem at the place to fix.
 * @param lineOf the 1-based line of an offset, for "already set at line N"
 */
export function syntaxProblem(doc: Document, error: YAMLError, lineOf: (offset: number) => number): OffsetProblem {
  const offset = error.pos[0];
  const specific =
    error.code === 'DUPLICATE_KEY'
      ? duplicateKey(doc, offset, lineOf)
      : error.code === 'MISSING_CHAR' && /quote/.test(error.message)
        ? unclosedQuote(doc, offset, lineOf)
        : error.code === 'MULTIPLE_DOCS'
          ? { offset, path: [], message: `one document per spec file; found a second at line ${lineOf(offset)}. Remove it, or merge it into the first` }
          : undefined;
  return specific ?? { offset, path: [], message: `invalid YAML: ${error.message.split('\n')[0]}` };
}
