/**
 * Reads the host's apt sources so imago downloads from the same Debian mirror the
 * host already uses; no mirror host name is ever written into the project.
 *
 *   const entries = await readHostSources();          // Debian entries only
 *   const main = entries.find((e) => e.suites.includes('bookworm'));
 *
 * Both formats are understood: one-line `sources.list` and deb822 `*.sources`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One apt source entry, normalised from either file format. */
export interface AptSource {
  /** `deb` (binary packages) and/or `deb-src` (source packages). */
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  /** Keyring file that must have signed the Release file, when the entry names one. */
  signedBy?: string;
  /** Architectures the entry is limited to, when it says so. */
  architectures?: string[];
}

/**
 * Debian release code names, oldest to newest. Suites such as `bookworm-updates`,
 * `bookworm-security` or `bookworm/updates` count as Debian through their base name.
 */
const debianCodenames = new Set([
  'buzz', 'rex', 'bo', 'hamm', 'slink', 'potato', 'woody', 'sarge', 'etch', 'lenny', 'squeeze', 'wheezy',
  'jessie', 'stretch', 'buster', 'bullseye', 'bookworm', 'trixie', 'forky', 'duke', 'sid',
]);

/** True when a suite name belongs to a Debian release, e.g. `bookworm-security`. */
export function isDebianSuite(suite: string): boolean {
  const base = suite.split(/[-/]/)[0] ?? '';
  return debianCodenames.has(base);
}

/**
 * Parses one-line `sources.list` text (`deb [opt=val ...] uri suite component...`).
 * Comments and blank lines are ignored.
 */
export function parseOneLineSources(text: string): AptSource[] {
  const result: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const match = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, type, options = '', uri, suite, components = ''] = match;
    const entry: AptSource = { types: [type!], uris: [uri!], suites: [suite!], components: words(components) };
    for (const option of words(options)) {
      const [key, value = ''] = option.split('=', 2);
      if (key === 'signed-by') entry.signedBy = value;
      if (key === 'arch') entry.architectures = value.split(',');
    }
    result.push(entry);
  }
  return result;
}

/**
 * Parses deb822 `*.sources` text: blank-line separated stanzas of `Field: value`
 * lines, with indented continuation lines. Stanzas with `Enabled: no` are dropped.
 * An inline (multi-line) Signed-By key block is not a path and is left out.
 */
export function parseDeb822Sources(text: string): AptSource[] {
  const result: AptSource[] = [];
  for (const stanza of text.split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      if (/^[ \t]/.test(line) && last) {
        fields.set(last, `${fields.get(last)}\n${line.trim()}`);
        continue;
      }
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      last = line.slice(0, colon).trim().toLowerCase();
      fields.set(last, line.slice(colon + 1).trim());
    }
    if (!fields.has('types') || !fields.has('uris')) continue;
    if (/^(no|false|0)$/i.test(fields.get('enabled') ?? '')) continue;
    const entry: AptSource = {
      types: words(fields.get('types') ?? ''),
      uris: words(fields.get('uris') ?? ''),
      suites: words(fields.get('suites') ?? ''),
      components: words(fields.get('components') ?? ''),
    };
    const signedBy = fields.get('signed-by');
    if (signedBy && !signedBy.includes('\n') && !signedBy.startsWith('-----')) entry.signedBy = signedBy;
    const architectures = fields.get('architectures');
    if (architectures) entry.architectures = words(architectures);
    result.push(entry);
  }
  return result;
}

/** Keeps only entries whose suites are all Debian releases (drops third-party repositories). */
export function debianOnly(entries: AptSource[]): AptSource[] {
  return entries.filter((entry) => entry.suites.length > 0 && entry.suites.every(isDebianSuite));
}

/**
 * Reads the host's apt sources below `root` (default `/`): `etc/apt/sources.list`,
 * then `etc/apt/sources.list.d/*.list` and `*.sources` in name order. Other file
 * names (e.g. `*.disabled`) are skipped, as apt does. Returns only Debian entries.
 */
export async function readHostSources(root = '/'): Promise<AptSource[]> {
  const etc = join(root, 'etc/apt');
  const entries: AptSource[] = [];
  const main = await readOptional(join(etc, 'sources.list'));
  if (main !== undefined) entries.push(...parseOneLineSources(main));
  let names: string[] = [];
  try {
    names = (await readdir(join(etc, 'sources.list.d'))).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`failed to list ${etc}/sources.list.d`, { cause: error });
  }
  for (const name of names) {
    const path = join(etc, 'sources.list.d', name);
    if (name.endsWith('.list')) entries.push(...parseOneLineSources((await readOptional(path)) ?? ''));
    else if (name.endsWith('.sources')) entries.push(...parseDeb822Sources((await readOptional(path)) ?? ''));
  }
  return debianOnly(entries);
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`failed to read apt sources ${path}`, { cause: error });
  }
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((word) => word !== '');
}
