/**
 * The init's configuration, `/etc/imago/init.json`, written by the builder from
 * the spec. Everything here is already resolved (user names to ids, commands to
 * argv, module names to files), so the init needs no NSS and no spec parser.
 * Pure types: the builder imports them to write the file.
 */

export const configPath = '/etc/imago/init.json';
export const configVersion = 1;

/** How a process runs: shared by onboot tasks and services. */
export interface ProcessConfig {
  name: string;
  command: string[];
  /** Complete environment, KEY=value. */
  env: string[];
  workdir: string;
  uid: number;
  gid: number;
  /** Supplementary groups. */
  groups: number[];
}

export type RestartPolicy = 'always' | 'on-failure' | 'never';

export interface ServiceConfig extends ProcessConfig {
  dependsOn: string[];
  restart: RestartPolicy;
  /** Milliseconds to wait after the stop signal before SIGKILL. */
  stopTimeoutMs: number;
}

export interface InterfaceConfig {
  name: string;
  /** Static IPv4 address with prefix, e.g. 10.0.0.5/24; absent for DHCP. */
  address?: string;
  gateway?: string;
  dns?: string[];
  /** A DHCP client runs as the service of this name. */
  dhcpService?: string;
}

export interface ModuleConfig {
  name: string;
  /** Absolute path of the .ko file in the image. */
  path: string;
}

export interface InitConfig {
  version: number;
  /** Image name and version for logs and, later, status. */
  image: string;
  hostname: string;
  modules: ModuleConfig[];
  interfaces: InterfaceConfig[];
  onboot: ProcessConfig[];
  services: ServiceConfig[];
}
