/**
 * What every route gets: the fleet (CA, settings), the store, a clock, and
 * the request with its path parameters. Routes are plain async functions of
 * this, so the route table (routes.ts) is the whole map of the server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fleet } from '../load-fleet.ts';
import type { FleetStore } from '../store/store.ts';
import type { Peer } from '../pki/peer-role.ts';
import type { SessionPeer } from '../console/session-peer.ts';
import type { ConsoleFiles } from '../console/console-files.ts';
import type { SignInLimit } from '../console/sign-in-limit.ts';

export interface ServerContext {
  fleet: Fleet;
  store: FleetStore;
  now: () => number;
  /** Server-side log (stderr by default): where internal errors go, never to the peer. */
  log: (line: string) => void;
  /** How long an operator's command waits for the device's result. */
  commandWaitMs: number;
  /** The web console's built files (absent: the server serves no console, only its API). */
  consoleFiles?: ConsoleFiles;
  signInLimit: SignInLimit;
}

export interface RouteCall {
  ctx: ServerContext;
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The checked peer (absent on routes that need no certificate); a console session on operator routes. */
  peer?: Peer | SessionPeer;
}

export type Access = 'anyone' | 'device' | 'operator';

export interface Route {
  method: 'GET' | 'POST';
  /** Path with `:name` segments, e.g. `/v1/devices/:device`. */
  path: string;
  access: Access;
  handle: (call: RouteCall) => Promise<void>;
}
