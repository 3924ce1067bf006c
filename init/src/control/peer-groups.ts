/**
 * A peer's supplementary groups from its /proc/<pid>/status, which SO_PEERCRED
 * does not carry. Pure.
 *
 *   peerGroups('Uid:\t1000\t1000\t1000\t1000\nGroups:\t27 100 \n', 1000)   // [27, 100]
 */

function idsOf(status: string, field: string): number[] | undefined {
  const line = status.split('\n').find((text) => text.startsWith(`${field}:`));
  if (line === undefined) return undefined;
  const ids = line
    .slice(field.length + 1)
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  return ids.every((id) => Number.isInteger(id) && id >= 0) ? ids : undefined;
}

/**
 * The `Groups:` of a status file, if it belongs to a process whose effective
 * uid is `uid`. The pid may have been reused by another process since the peer
 * connected, or the peer may have changed its ids: then, or when the file is
 * missing or malformed, no supplementary groups count (the peer gets less
 * access, never more).
 */
export function peerGroups(status: string | undefined, uid: number): number[] {
  if (status === undefined) return [];
  const uids = idsOf(status, 'Uid');
  if (!uids || uids[1] !== uid) return [];
  return idsOf(status, 'Groups') ?? [];
}
