/**
 * Reads `mode` and `umask` values as octal, as chmod, Docker Compose and
 * LinuxKit do. YAML 1.2 reads `mode: 0755` as the decimal 755 and `755` as
 * 755 too, so the number is taken from the text as written instead:
 * 755, 0755, 0o755 and "0755" all mean 0o755. A digit 8 or 9, or a value
 * beyond the field's bits, is a problem rather than a silently different mode.
 *
 *   const problems = readOctalFields(doc, (path) => fieldsAt(specSchema, path));
 */
import { isPair, isScalar, Scalar, visit, type Document, type Node, type Pair } from 'yaml';
import type { OffsetProblem } from './yaml-data.ts';
import { pathOf } from './yaml-path.ts';

/** The octal fields and their largest value: a mode has setuid/setgid/sticky bits, a umask only permission bits. */
const limits: Record<string, number> = { mode: 0o7777, umask: 0o777 };

type Ancestors = readonly (Document | Node | Pair)[];

/** The text a value was written as: the source of a plain scalar, the string of a quoted one. */
function writtenText(scalar: Scalar): string | undefined {
  if (scalar.type === Scalar.PLAIN) {
    const token = scalar.srcToken;
    return token && 'source' in token && typeof token.source === 'string' ? token.source : undefined;
  }
  return typeof scalar.value === 'string' ? scalar.value : undefined;
}

/**
 * Replaces each octal field written in digits by the number it means, and
 * returns a problem for each that is no octal value or too large.
 * @param fieldsAt the field names the schema allows at a path: only real
 *   `mode`/`umask` fields are read, not an environment variable named mode
 */
export function readOctalFields(doc: Document, fieldsAt: (path: (string | number)[]) => string[]): OffsetProblem[] {
  const problems: OffsetProblem[] = [];
  visit(doc, {
    Pair(_, pair, ancestors: Ancestors) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) return;
      const key = String(pair.key.value);
      const limit = limits[key];
      if (limit === undefined) return;
      const path = pathOf([...ancestors, pair], pair.value);
      if (!fieldsAt(path.slice(0, -1)).includes(key)) return;
      const text = writtenText(pair.value);
      const digits = text && /^(?:0o)?([0-9]+)$/.exec(text)?.[1];
      if (!digits) return;
      const offset = pair.value.range?.[0] ?? 0;
      const shown = pair.value.type === Scalar.PLAIN ? text : JSON.stringify(text);
      const example = key === 'umask' ? '0022' : '0644';
      if (/[89]/.test(digits)) {
        problems.push({ offset, path, message: `expected an octal ${key} (digits 0-7, as in chmod) such as ${example}, got ${shown}` });
        return;
      }
      const value = parseInt(digits, 8);
      if (value > limit) {
        problems.push({ offset, path, message: `expected an octal ${key} of at most ${limit.toString(8).padStart(4, '0')}, got ${shown}` });
        return;
      }
      pair.value.value = value;
    },
  });
  return problems;
}
