/**
 * Rewrites a regular expression written with the `i` flag into one that needs
 * no flag, for JSON Schema: its `pattern` keyword has no place for flags, so
 * zod drops them and `/^\d+[kmg]$/i` would reject "64M" in an editor.
 *
 *   caseInsensitivePattern('^\\d+[kmg]b?$')  // '^\\d+[kmgKMG][bB]?$'
 *
 * Letters outside a character class become a two-letter class; inside a class
 * each letter (or letter range) gains its other case. Escapes such as `\d` or
 * `\s` are copied unchanged (their letters are not literal); a `\u0041` or
 * `\x41` that spells a letter gains the other case like the letter would.
 */

const isLetter = (c: string) => c.toLowerCase() !== c.toUpperCase();
const otherCase = (c: string) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());

/** The length of the escape starting at `i` (a backslash), so it is copied whole. */
function escapeLength(source: string, i: number): number {
  const next = source[i + 1];
  if (next === 'u') return source[i + 2] === '{' ? source.indexOf('}', i) - i + 1 : 6;
  if (next === 'x') return 4;
  if (next === 'c') return 3;
  if (next === 'p' || next === 'P') return source.indexOf('}', i) - i + 1;
  return 2;
}

/** The letter a `\uXXXX`, `\u{X}` or `\xXX` escape spells, if it spells one. */
function escapedLetter(escape: string): string | undefined {
  const hex = /^\\(?:u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2}))$/.exec(escape);
  if (!hex) return undefined;
  const c = String.fromCodePoint(parseInt(hex[1] ?? hex[2] ?? hex[3]!, 16));
  return isLetter(c) ? c : undefined;
}

/** A character class body (between `[` and `]`) with both cases of each letter. */
function foldClass(body: string): string {
  let extra = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') {
      const length = escapeLength(body, i);
      const letter = escapedLetter(body.slice(i, i + length));
      if (letter) extra += otherCase(letter);
      i += length - 1;
      continue;
    }
    const c = body[i]!;
    if (body[i + 1] === '-' && i + 2 < body.length && body[i + 2] !== '\\') {
      const end = body[i + 2]!;
      if (isLetter(c) && isLetter(end)) extra += `${otherCase(c)}-${otherCase(end)}`;
      i += 2;
    } else if (isLetter(c)) extra += otherCase(c);
  }
  return body + extra;
}

/**
 * The pattern `source` (as written with the `i` flag) rewritten to match the
 * same strings without it. Only ASCII-style case pairs are added; that covers
 * the unit suffixes and names a spec uses.
 */
export function caseInsensitivePattern(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const length = escapeLength(source, i);
      const escape = source.slice(i, i + length);
      const letter = escapedLetter(escape);
      out += letter ? `[${escape}${otherCase(letter)}]` : escape;
      i += length - 1;
    } else if (c === '[') {
      let end = i + 1;
      if (source[end] === '^') end++;
      if (source[end] === ']') end++;
      while (end < source.length && source[end] !== ']') end += source[end] === '\\' ? escapeLength(source, end) : 1;
      const negated = source[i + 1] === '^';
      const body = source.slice(i + (negated ? 2 : 1), end);
      out += `[${negated ? '^' : ''}${foldClass(body)}]`;
      i = end;
    } else if (c === '(' && source[i + 1] === '?' && source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
      // A named group's name is not text to match: copy `(?<name>` unchanged.
      const close = source.indexOf('>', i);
      out += source.slice(i, close + 1);
      i = close;
    } else if (c === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i))) {
      const close = source.indexOf('}', i);
      out += source.slice(i, close + 1);
      i = close;
    } else out += isLetter(c) ? `[${c}${otherCase(c)}]` : c;
  }
  return out;
}
