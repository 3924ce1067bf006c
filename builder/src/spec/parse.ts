/**
 * Parses spec text into a validated Spec, or into every problem found, each
 * located at its YAML node. Pure: no file system access (see load.ts).
 *
 *   const { spec, problems } = parseSpec(text, 'images/minimal.yml');
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { specSchema, type Spec } from './schema.ts';
import { describeValue, formatIssue } from './format-issue.ts';
import { fieldsAt } from './schema-fields.ts';
import { checkRules } from './rules.ts';
import { formatPath, type SpecProblem, type UnlocatedProblem } from './problem.ts';
import { readOctalFields } from './octal-fields.ts';
import { documentData, type OffsetProblem } from './yaml-data.ts';
import { syntaxProblem } from './yaml-syntax.ts';

export interface ParseResult {
  /** The spec, when there were no problems. */
  spec?: Spec;
  problems: SpecProblem[];
  /** Locates further problems (found by checks that need I/O) at their YAML nodes. */
  locate: (problem: UnlocatedProblem) => SpecProblem;
}

/** Finds the node at a path, or the deepest existing ancestor; `atKey` gives the mapping key instead. */
function nodeAt(doc: Document, path: readonly (string | number)[], atKey: boolean): Node | undefined {
  let node: unknown = doc.contents;
  let found = node as Node | undefined;
  for (let i = 0; i < path.length; i++) {
    const part = path[i];
    if (isMap(node)) {
      // A numeric part on a mapping is the n-th pair: rules see `depends_on: {db: healthy}` as a list.
      const pair = typeof part === 'number' ? node.items[part] : node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === part);
      if (!pair) break;
      const last = i === path.length - 1;
      if (last && atKey) return pair.key as Node;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part];
      if (node === undefined) break;
    } else break;
    found = node as Node;
  }
  return found;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/**
 * Parses and validates a spec. Returns every problem (YAML syntax, schema, cross-field
 * rules), sorted by position; `spec` is set only when there are none.
 */
export function parseSpec(text: string, file: string): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true, prettyErrors: false });
  const position = (offset: number) => lineCounter.linePos(offset);
  const locate = (problem: UnlocatedProblem): SpecProblem => {
    const node = nodeAt(doc, problem.path, problem.atKey ?? false);
    const { line, col } = position(node?.range?.[0] ?? 0);
    return { file, line, column: col, path: formatPath(problem.path), message: problem.message };
  };

  const atOffset = ({ offset, path, message }: OffsetProblem): SpecProblem => {
    const { line, col } = position(offset);
    return { file, line, column: col, path: formatPath(path), message };
  };

  if (doc.errors.length > 0) {
    return { problems: doc.errors.map((error) => atOffset(syntaxProblem(doc, error, (offset) => position(offset).line))), locate };
  }
  const octalProblems = readOctalFields(doc, (path) => fieldsAt(specSchema, path));
  const { data, problem } = documentData(doc);
  if (problem) return { problems: [atOffset(problem)], locate };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const got = data === null || data === undefined ? 'an empty document' : Array.isArray(data) ? 'a list' : describeValue(data);
    return { problems: [{ file, line: 1, column: 1, path: '', message: `expected a mapping with version, name and the other fields, got ${got}` }], locate };
  }

  const result = specSchema.safeParse(data);
  // An octal field already reported keeps its text, which the schema would report again, less clearly.
  const reported = new Set(octalProblems.map((problem) => formatPath(problem.path)));
  const unlocated = result.success
    ? checkRules(result.data)
    : result.error.issues
        .flatMap((issue) => formatIssue(issue, (path) => valueAt(data, path), (path) => fieldsAt(specSchema, path)))
        .filter((problem) => !reported.has(formatPath(problem.path)));
  const problems = [...octalProblems.map(atOffset), ...unlocated.map(locate)].sort((a, b) => a.line - b.line || a.column - b.column);
  return problems.length === 0 && result.success ? { spec: result.data, problems, locate } : { problems, locate };
}
