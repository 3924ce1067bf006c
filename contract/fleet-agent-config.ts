/**
 * The fleet agent's configuration, `/etc/imago/fleet.json`, written by the
 * builder from the spec's `fleet:` section and read by the agent on the
 * device. Everything is resolved at build time (files copied into the image,
 * the server split into host and port). Pure types and one checker.
 */

export const fleetAgentConfigPath = '/etc/imago/fleet.json';
/** Where the agent binary lives in the image. */
export const fleetAgentPath = '/usr/lib/imago/imago-agent';

export interface FleetAgentConfig {
  /** The fleet server, dialled out to; `name` is what its certificate must carry (defaults to host). */
  server: { host: string; port: number; name: string };
  /** The pinned fleet CA (PEM file in the image): the agent trusts no other. */
  caFile: string;
  /** The batch activation token (file in the image). */
  tokenFile: string;
  /**
   * persistent: key and certificate kept under `stateDir` on the data partition and reused;
   * ephemeral: kept in RAM, the device activates again at each boot.
   */
  identity: 'persistent' | 'ephemeral';
  /** Where the key (0600), certificate and pending-update record live. */
  stateDir: string;
  /** The image's name, version and architecture, reported at activation and in heartbeats. */
  image: string;
  version: string;
  arch: string;
  /** Seconds the server may hold a poll open. */
  pollWaitSeconds: number;
}
