/**
 * The device's addresses, read from /proc (no `ip` binary needed, nothing to
 * spawn): IPv4 local host entries from /proc/net/fib_trie, IPv6 from
 * /proc/net/if_inet6. Loopback and link-local are left out. Pure parsers.
 */

export function ipv4FromFibTrie(text: string): string[] {
  const found = new Set<string>();
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    if (!/\/32 host LOCAL/.test(lines[i]!)) continue;
    const match = /(\d+\.\d+\.\d+\.\d+)\s*$/.exec(lines[i - 1]!);
    if (match && !match[1]!.startsWith('127.')) found.add(match[1]!);
  }
  return [...found];
}

export function ipv6FromIfInet6(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6 || !/^[0-9a-f]{32}$/.test(fields[0]!)) continue;
    const scope = parseInt(fields[3]!, 16);
    // Only global addresses (scope 0); link-local (0x20) and host (0x10) tell the operator nothing.
    if (scope !== 0) continue;
    const groups = fields[0]!.match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, ''));
    found.push(groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::'));
  }
  return found;
}
