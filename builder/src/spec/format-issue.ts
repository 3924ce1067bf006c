/**
 * Turns zod issues into imago's message shape: `expected X, got Y`. The schema
 * supplies the "expected" part (custom messages, enum values, types); the value
 * actually written supplies the "got" part, so every message names both.
 */
import type { z } from 'zod';
import type { UnlocatedProblem } from './problem.ts';

const typeNames: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
};

/** Values longer than this are cut in messages: a pasted certificate should not fill the terminal. */
const shownLength = 80;

/** A string quoted as JSON, cut to about 80 characters with its full length when longer. */
export function quoteShort(text: string): string {
  if (text.length <= shownLength) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, shownLength - 3)).slice(0, -1)}…" (${text.length} characters)`;
}

/** Describes a YAML value for "got …": strings and numbers quoted as written, structures by kind. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (ArrayBuffer.isView(value)) return 'binary data (a !!binary value)';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return quoteShort(value);
  return String(value);
}

/** Edit distance, for "did you mean" hints on misspelt field names. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The closest known name, when it is close enough to be a likely typo. */
export function suggest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(word, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** Custom messages written in the schema already say what was expected; zod's own are wrapped. */
function expectedFromMessage(message: string): string {
  return message.startsWith('expected') ? message : `invalid value (${message})`;
}

/**
 * The one union branch whose issues lie inside the value (an element, a
 * field), which means the value has that branch's shape. A branch that
 * rejects the value's type outright, or the value as a whole (a string
 * pattern), does not match; then the union's own message says it better.
 */
function matchingBranch(branches: z.core.$ZodIssue[][]): z.core.$ZodIssue[] | undefined {
  const inside = branches.filter((issues) => issues.length > 0 && issues.every((inner) => inner.path.length > 0 || inner.code === 'unrecognized_keys'));
  return inside.length === 1 ? inside[0] : undefined;
}

/**
 * Converts one zod issue into located-later problems.
 * @param issue the zod issue
 * @param valueAt reads the value the user wrote at a path (undefined when absent)
 * @param knownKeys the field names the schema allows at a path, for typo hints
 */
export function formatIssue(
  issue: z.core.$ZodIssue,
  valueAt: (path: PropertyKey[]) => unknown,
  knownKeys: (path: PropertyKey[]) => string[],
): UnlocatedProblem[] {
  const path = issue.path as (string | number)[];
  const value = valueAt(path);
  const got = `got ${describeValue(value)}`;
  if (value === undefined && issue.code !== 'unrecognized_keys') return [{ path, message: 'required field is missing' }];
  switch (issue.code) {
    case 'invalid_union': {
      // Blame the element that failed, not the whole list or mapping, when the value has the shape of one branch.
      const branch = matchingBranch(issue.errors);
      if (!branch) return [{ path, message: `${expectedFromMessage(issue.message)}, ${got}` }];
      return branch.flatMap((inner) => formatIssue({ ...inner, path: [...path, ...inner.path] } as z.core.$ZodIssue, valueAt, knownKeys));
    }
    case 'invalid_key': {
      // The key is what is wrong: point at it and show it, not its value.
      const key = String(path[path.length - 1]);
      const inner = issue.issues[0];
      return [{ path, message: `${expectedFromMessage(inner?.message ?? 'invalid name')}, got ${quoteShort(key)}`, atKey: true }];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const hint = suggest(key, knownKeys(path));
        const known = knownKeys(path);
        const tail = hint ? `. Did you mean "${hint}"?` : known.length ? `. Known fields: ${known.join(', ')}` : '';
        return { path: [...path, key], message: `unknown field ${quoteShort(key)}${tail}`, atKey: true };
      });
    case 'invalid_value': {
      const expected = issue.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      const what = expected.length === 1 ? expected[0] : `one of ${expected.join('|')}`;
      return [{ path, message: `expected ${what}, ${got}` }];
    }
    case 'invalid_type': {
      const expected = typeNames[issue.expected] ?? issue.expected;
      // `- 5432` or `- yes` in an argument list: YAML read a number or boolean where text was meant.
      const quoteHint = issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean') ? `; quote it ("${String(value)}") to write it as text` : '';
      return [{ path, message: `expected ${expected}, ${got}${quoteHint}` }];
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? 'at least' : 'at most';
      const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const unit = issue.origin === 'array' ? ' item(s)' : issue.origin === 'string' ? ' character(s)' : '';
      const message = issue.message.startsWith('expected') ? issue.message : `expected ${bound} ${String(limit)}${unit}`;
      return [{ path, message: `${message}, ${got}` }];
    }
    default:
      return [{ path, message: `${expectedFromMessage(issue.message)}, ${got}` }];
  }
}
