/**
 * A parser of tmpfiles.d(5) lines, the declarations packages ship instead of
 * creating files at run time (systemd-tmpfiles does not run in an image; the
 * builder and the init apply what these say, see apply-tmpfiles.ts). Pure.
 *
 *   parseTmpfiles('d /run/sshd 0755 root root -\n', 'sshd.conf')
 *   // { entries: [{ type: 'd', path: '/run/sshd', mode: 0o755, user: 'root', group: 'root', ... }], skipped: [] }
 *
 * The age field is ignored: nothing cleans old files in an image. Lines of a
 * type imago does not carry out are kept in `skipped` with the reason, so a
 * build can say what it left out instead of dropping it silently.
 */

/** The types imago carries out: folders, files, symlinks, copies of a file the image has, and owner/mode fixes. */
export type TmpfilesType = 'd' | 'D' | 'e' | 'f' | 'F' | 'w' | 'L' | 'C' | 'z' | 'Z';

export interface TmpfilesEntry {
  type: TmpfilesType;
  /** `+` after the type: replace what is there (L+, f+ ...). */
  replace: boolean;
  /** Absolute path with specifiers resolved. */
  path: string;
  /** Permission bits; undefined for `-` (the type's default, or keep what is there). */
  mode?: number;
  /** User and group names or numbers; undefined for `-` (root, or keep what is there). */
  user?: string;
  group?: string;
  /** The argument: a symlink's target, a file's contents; undefined for `-`. */
  argument?: string;
  /** Where it was read, as `file:line`, for messages. */
  source: string;
}

export interface SkippedLine {
  source: string;
  text: string;
  reason: string;
}

const carriedOut = new Set<string>(['d', 'D', 'e', 'f', 'F', 'w', 'L', 'C', 'z', 'Z']);

/** Why the other types are left out; each names what the system does instead. */
const notCarriedOut: Record<string, string> = {
  x: 'it only excludes paths from cleaning, and nothing cleans in an image',
  X: 'it only excludes paths from cleaning, and nothing cleans in an image',
  r: 'it removes files at boot, and the tmpfs areas start empty',
  R: 'it removes files at boot, and the tmpfs areas start empty',
  q: 'btrfs subvolumes are not used; use d',
  Q: 'btrfs subvolumes are not used; use d',
  v: 'btrfs subvolumes are not used; use d',
  p: 'named pipes are not created; the service can make its own',
  c: 'device nodes come from devtmpfs',
  b: 'device nodes come from devtmpfs',
  a: 'ACLs are not supported',
  A: 'ACLs are not supported',
  h: 'file attributes (chattr) are not supported',
  H: 'file attributes (chattr) are not supported',
  t: 'extended attributes are not supported',
  T: 'extended attributes are not supported',
};

/** The system-mode specifiers that name fixed places; the others depend on a running systemd. */
const specifiers: Record<string, string> = { '%': '%', S: '/var/lib', C: '/var/cache', L: '/var/log', t: '/run', T: '/tmp', V: '/var/tmp', h: '/root' };

/** Resolves `%S`-style specifiers; undefined names the first one that is not supported. */
function resolveSpecifiers(text: string): { text: string } | { unknown: string } {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '%') {
      out += text[i];
      continue;
    }
    const value = specifiers[text[i + 1] ?? ''];
    if (value === undefined) return { unknown: `%${text[i + 1] ?? ''}` };
    out += value;
    i++;
  }
  return { text: out };
}

/** `-` and empty mean "not given". */
const given = (field: string | undefined): string | undefined => (field === undefined || field === '-' || field === '' ? undefined : field);

/** Splits off the first `count` whitespace-separated fields; the argument is the rest of the line. */
function splitFields(line: string, count: number): string[] {
  const fields: string[] = [];
  let rest = line.trim();
  while (fields.length < count && rest !== '') {
    const match = /^(\S+)\s*/.exec(rest)!;
    fields.push(match[1]!);
    rest = rest.slice(match[0].length);
  }
  if (rest !== '') fields.push(rest);
  return fields;
}

/** Parses one tmpfiles.d file. `file` names it in each entry's `source`. */
export function parseTmpfiles(text: string, file: string): { entries: TmpfilesEntry[]; skipped: SkippedLine[] } {
  const entries: TmpfilesEntry[] = [];
  const skipped: SkippedLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const source = `${file}:${index + 1}`;
    const skip = (reason: string) => void skipped.push({ source, text: line, reason });
    const [typeField = '', pathField = '', modeField, user, group, , argument] = splitFields(line, 6);
    const type = typeField[0] ?? '';
    const modifiers = typeField.slice(1);
    if (!carriedOut.has(type)) return skip(`type ${type} is not carried out: ${notCarriedOut[type] ?? 'it is not a tmpfiles.d type imago knows'}`);
    if (/[~^]/.test(modifiers)) return skip(`the ${modifiers.includes('~') ? '~ (base64 argument)' : '^ (credential)'} modifier is not supported`);
    const path = resolveSpecifiers(pathField);
    if ('unknown' in path) return skip(`specifier ${path.unknown} is not supported (known: ${Object.keys(specifiers).map((s) => `%${s}`).join(' ')})`);
    if (!path.text.startsWith('/')) return skip(`the path "${pathField}" is not absolute`);
    const modeText = given(modeField)?.replace(/^[~:]+/, '');
    if (modeText !== undefined && !/^[0-7]{1,4}$/.test(modeText)) return skip(`the mode "${modeField}" is not an octal mode`);
    let resolvedArgument: string | undefined = given(argument);
    if (resolvedArgument !== undefined) {
      const resolved = resolveSpecifiers(resolvedArgument);
      if ('unknown' in resolved) return skip(`specifier ${resolved.unknown} is not supported in the argument`);
      resolvedArgument = resolved.text;
    }
    entries.push({
      type: type as TmpfilesType,
      replace: modifiers.includes('+'),
      path: path.text,
      ...(modeText !== undefined && { mode: Number.parseInt(modeText, 8) }),
      ...(given(user) !== undefined && { user: given(user) }),
      ...(given(group) !== undefined && { group: given(group) }),
      ...(resolvedArgument !== undefined && { argument: resolvedArgument }),
      source,
    });
  });
  return { entries, skipped };
}
