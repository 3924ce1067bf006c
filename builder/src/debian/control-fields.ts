/**
 * Parses Debian control-file syntax (RFC 822 style stanzas), as printed by
 * `apt-cache show` and `dpkg-deb --field`.
 *
 *   const [record] = parseControlRecords('Package: busybox\nVersion: 1:1.35.0-4\n');
 *   record.get('Version');   // '1:1.35.0-4'
 */

/**
 * Splits text into stanzas of fields. Field names keep their spelling; lookups use
 * the names as Debian writes them (`Package`, `Version`, `SHA256`). Continuation
 * lines are joined with newlines.
 */
export function parseControlRecords(text: string): Map<string, string>[] {
  const records: Map<string, string>[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of stanza.split('\n')) {
      if (line.trim() === '') continue;
      if (/^[ \t]/.test(line)) {
        if (last) fields.set(last, `${fields.get(last)}\n${line.trim()}`);
        continue;
      }
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      last = line.slice(0, colon);
      fields.set(last, line.slice(colon + 1).trim());
    }
    if (fields.size > 0) records.push(fields);
  }
  return records;
}

/** Package names from a Depends-style field, ignoring versions, alternatives after the first and arch qualifiers. */
export function parseDependsNames(field: string): string[] {
  return field
    .split(',')
    .map((clause) => (clause.split('|')[0] ?? '').trim().split(/[\s(:[]/)[0] ?? '')
    .filter((name) => name !== '');
}
