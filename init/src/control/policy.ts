/**
 * Who may run which control command. Pure: the server asks it for every
 * request, with the peer's ids as the kernel reported them.
 *
 *   mayRun(config.control, 'reboot', { uid: 1000, gid: 1000, groups: [27] })   // false unless granted admin
 *
 * Root (uid 0) may always run everything: it could reboot or signal services
 * without the socket anyway, and a spec must not be able to lock it out.
 * Everyone else needs a grant from the spec's `control:` section; `admin`
 * includes `read`. Without a section only root is allowed.
 */
import type { ControlAccessConfig, ControlGrant } from '../../../contract/index.ts';
import type { Command } from './protocol.ts';

export type AccessLevel = 'read' | 'admin';

/**
 * The level each command needs. A record over every command, so adding one to
 * the protocol does not typecheck until it is placed here: only commands that
 * change nothing are `read`.
 */
export const commandLevels: Readonly<Record<Command, AccessLevel>> = {
  status: 'read',
  logs: 'read',
  start: 'admin',
  stop: 'admin',
  restart: 'admin',
  reboot: 'admin',
  poweroff: 'admin',
  halt: 'admin',
  'update-activate': 'admin',
};

/** A connected client: its user, primary group and supplementary groups. */
export interface Peer {
  uid: number;
  gid: number;
  groups: readonly number[];
}

function granted(grant: ControlGrant, peer: Peer): boolean {
  return grant.uids.includes(peer.uid) || grant.gids.includes(peer.gid) || peer.groups.some((gid) => grant.gids.includes(gid));
}

/** Whether `peer` may run `command` under `access` (the init config's `control`; undefined: root only). */
export function mayRun(access: ControlAccessConfig | undefined, command: Command, peer: Peer): boolean {
  if (peer.uid === 0) return true;
  if (!access) return false;
  if (granted(access.admin, peer)) return true;
  return commandLevels[command] === 'read' && granted(access.read, peer);
}

/** Whether `peer` may run any command at all: a peer that may not is turned away when it connects. */
export function mayConnect(access: ControlAccessConfig | undefined, peer: Peer): boolean {
  return (Object.keys(commandLevels) as Command[]).some((command) => mayRun(access, command, peer));
}

/** The one-line reply to a refused request. */
export function permissionDenied(command: Command, peer: Peer): string {
  return `permission denied: uid ${peer.uid} may not run '${command}'`;
}

/** Whether anyone besides root was granted anything: only then must the socket be reachable by other users. */
export function grantsOthers(access: ControlAccessConfig | undefined): boolean {
  if (!access) return false;
  return [access.read, access.admin].some((grant) => grant.uids.some((uid) => uid !== 0) || grant.gids.length > 0);
}
