/** Who is at the other end of an accepted control connection, for the policy (policy.ts). */
import type { Sys } from '../sys/sys.ts';
import { peerGroups } from './peer-groups.ts';
import type { Peer } from './policy.ts';

/** The peer's ids from SO_PEERCRED plus its supplementary groups from /proc. Throws a SysError when the kernel does not say. */
export function identifyPeer(sys: Sys, fd: number): Peer & { pid: number } {
  const { pid, uid, gid } = sys.peerCredentials(fd);
  // Root may do everything: its groups do not matter, and /proc need not be read.
  const groups = uid === 0 ? [] : peerGroups(sys.readText(`/proc/${pid}/status`), uid);
  return { pid, uid, gid, groups };
}
