/**
 * What the kernel says is in use: mounts and swap areas, parsed from the text
 * of /proc/self/mounts, /proc/self/mountinfo and /proc/swaps. Pure.
 *
 * ```ts
 * parseMountinfo(text);  // [{ dev: '8:1', source: '/dev/sda1', mountPoint: '/' }, ...]
 * parseSwaps(text);      // ['/dev/sda2', '/swapfile']
 * ```
 */

export interface Mount {
  /** What was mounted, e.g. /dev/sda1, or a name such as tmpfs. */
  source: string;
  mountPoint: string;
  /** major:minor of the mounted device, when the text gives it (mountinfo). */
  dev?: string;
}

/** The kernel writes space, tab, newline and backslash in paths as \040-style octal escapes. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** The mounts of /proc/self/mounts: `source mountpoint type options 0 0` per line. */
export function parseMounts(text: string): Mount[] {
  return text
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields.length >= 2 && fields[0] !== '')
    .map(([source, mountPoint]) => ({ source: unescape(source!), mountPoint: unescape(mountPoint!) }));
}

/** The mounts of /proc/self/mountinfo: `id parent major:minor root mountpoint options ... - type source superoptions`. */
export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (fields.length < 5 || dash < 0) continue;
    mounts.push({ dev: fields[2]!, mountPoint: unescape(fields[4]!), source: unescape(fields[dash + 2] ?? '') });
  }
  return mounts;
}

/** The swap areas of /proc/swaps (a header line, then `filename type size used priority`). */
export function parseSwaps(text: string): string[] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s+/)[0] ?? '')
    .filter((name) => name !== '')
    .map(unescape);
}
