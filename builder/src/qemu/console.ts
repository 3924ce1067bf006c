/**
 * The serial console as data: chunks of text go in, timed lines and
 * pexpect-style matches come out. No I/O and no clock: callers pass the time.
 *
 * ```ts
 * const log = new ConsoleLog();
 * log.push('imago: rea', 120);
 * log.push('dy\r\n# ', 150);      // lines: [{ text: 'imago: ready', ms: 150 }]
 * log.match(/ready/);             // { text: 'ready', ms: 150, ... }; the cursor moves past it
 * log.match('# ');                // matches the unfinished prompt line too
 * ```
 */

/** One complete console line (carriage returns removed) and when it ended, in ms since QEMU started. */
export interface ConsoleLine {
  text: string;
  ms: number;
}

/** A successful match of `expect`: the matched text, its capture groups, and when it became visible. */
export interface ConsoleMatch {
  /** The matched text. */
  text: string;
  /** Capture groups of a RegExp pattern (undefined for groups that did not take part); empty for strings. */
  groups: (string | undefined)[];
  /** Named capture groups of a RegExp pattern. */
  named: Record<string, string | undefined>;
  /** Milliseconds since QEMU started at which the chunk completing the match arrived. */
  ms: number;
  /** The whole console line the match ends on (possibly unfinished, e.g. a prompt). */
  line: string;
}

/** What `expect` accepts: a literal substring or a regular expression. */
export type ConsolePattern = string | RegExp;

/**
 * Accumulates console output. Every match starts searching where the previous
 * match ended (like pexpect), so `expect('login:')` twice waits for two prompts.
 * Matches may span lines and may end in an unfinished line, so prompts without
 * a trailing newline are found.
 */
export class ConsoleLog {
  /** Every complete line so far, in order. */
  readonly lines: ConsoleLine[] = [];
  private text = '';
  private partial = '';
  private cursor = 0;
  private lastMs = 0;

  /**
   * Adds a chunk of decoded console output received at `ms` and returns the
   * lines it completed. Carriage returns are dropped, so `\r\n` ends a line
   * once even when the chunk boundary falls between `\r` and `\n`.
   */
  push(chunk: string, ms: number): ConsoleLine[] {
    const clean = chunk.replace(/\r/g, '');
    this.lastMs = ms;
    if (clean === '') return [];
    this.text += clean;
    const parts = (this.partial + clean).split('\n');
    this.partial = parts.pop() ?? '';
    const done = parts.map((text) => ({ text, ms }));
    this.lines.push(...done);
    return done;
  }

  /** Ends the stream: an unfinished last line becomes a complete line. Returns it, if any. */
  end(ms: number): ConsoleLine | undefined {
    if (this.partial === '') return undefined;
    const line = { text: this.partial, ms };
    this.partial = '';
    this.lines.push(line);
    return line;
  }

  /**
   * Searches the output after the previous match for `pattern`. On success
   * moves the cursor past the match and returns it; otherwise returns
   * undefined and leaves the cursor alone. A RegExp's `g` and `y` flags are
   * ignored (the search always scans forward from the cursor).
   */
  match(pattern: ConsolePattern): ConsoleMatch | undefined {
    const rest = this.text.slice(this.cursor);
    let start: number;
    let found: string;
    let groups: (string | undefined)[] = [];
    let named: Record<string, string | undefined> = {};
    if (typeof pattern === 'string') {
      start = rest.indexOf(pattern);
      if (start < 0) return undefined;
      found = pattern;
    } else {
      const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
      const m = re.exec(rest);
      if (!m) return undefined;
      start = m.index;
      found = m[0];
      groups = m.slice(1);
      named = { ...m.groups };
    }
    const end = this.cursor + start + found.length;
    this.cursor = end;
    // A match ending in a newline belongs to the line that newline ends.
    const lineEndAt = this.text[end - 1] === '\n' ? end - 1 : end;
    const lineStart = lineEndAt > 0 ? this.text.lastIndexOf('\n', lineEndAt - 1) + 1 : 0;
    const lineEnd = this.text.indexOf('\n', lineEndAt);
    const line = this.text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
    return { text: found, groups, named, ms: this.lastMs, line };
  }

  /** The unfinished last line (text after the last newline, e.g. a prompt); empty if none. */
  get unfinished(): string {
    return this.partial;
  }

  /** The last `count` lines, including an unfinished last line, for error messages. */
  tail(count: number): string[] {
    const texts = this.lines.slice(-count).map((l) => l.text);
    if (this.partial !== '') texts.push(this.partial);
    return texts.slice(-count);
  }

  /** The whole console output so far, carriage returns removed. */
  transcript(): string {
    return this.text;
  }
}

/** Renders a pattern for messages: strings quoted as JSON, RegExps as written. */
export function describePattern(pattern: ConsolePattern): string {
  return typeof pattern === 'string' ? JSON.stringify(pattern) : String(pattern);
}
