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
  umask: number;
}

export type RestartPolicy = 'always' | 'on-failure' | 'never';
export type DependencyCondition = 'started' | 'ready' | 'healthy';
export type StopSignal = 'TERM' | 'INT' | 'QUIT' | 'HUP' | 'USR1' | 'USR2' | 'KILL';

/** One probe: exactly one of the targets is set, as `kind` says. */
export interface ProbeConfig {
  kind: 'tcp' | 'http' | 'unix' | 'command' | 'file';
  port?: number;
  /** Unix socket path (kind unix). */
  socket?: string;
  /** HTTP request path. */
  path?: string;
  /** Expected HTTP status; any 2xx or 3xx when absent. */
  status?: number;
  command?: string[];
  file?: string;
  intervalMs: number;
  timeoutMs: number;
}

export interface HealthConfig extends ProbeConfig {
  /** Consecutive failures that make the service unhealthy. */
  retries: number;
  /** Failures this soon after ready do not count. */
  startPeriodMs: number;
}

export interface BackoffConfig {
  initialMs: number;
  maxMs: number;
  resetAfterMs: number;
}

export interface LimitsConfig {
  memoryBytes?: number;
  /** CPUs, e.g. 0.5 for half of one. */
  cpu?: number;
  pids?: number;
}

export interface ServiceConfig extends ProcessConfig {
  type: 'simple' | 'oneshot';
  dependsOn: { name: string; condition: DependencyCondition }[];
  ready?: ProbeConfig;
  health?: HealthConfig;
  restart: RestartPolicy;
  backoff: BackoffConfig;
  /** Consecutive quick failures after which the service is failed; unlimited when absent. */
  restartLimit?: number;
  onFailed: 'stay' | 'reboot';
  startTimeoutMs: number;
  /** Milliseconds to wait after the stop signal before killing the service's whole cgroup. */
  stopTimeoutMs: number;
  stopSignal: StopSignal;
  limits?: LimitsConfig;
  /**
   * Kernel modules loaded, dependencies first, before this service's first
   * start; ones already loaded are skipped. For modules only this service
   * needs (a private container network's), so that they do not delay the
   * boot of services that start earlier. Absent: none.
   */
  modules?: ModuleConfig[];
}

export interface LogsConfig {
  maxBytes: number;
  maxAgeMs: number;
  /** Rotated files kept per log. */
  keep: number;
  /** Lines per service kept in memory. */
  ringLines: number;
  /** Copy service output to the console. */
  console: boolean;
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

/** A/B updates (spec `update:`); absent when the image is not built for updates. */
export interface UpdateConfig {
  /** This image's version (spec `image_version`): a bundle must be newer. */
  version: string;
  /** The target architecture name a bundle must be built for, e.g. x86_64. */
  arch: string;
  /** This image's compatible name (spec `update.compatible`, default `<name>-<arch>`): a bundle must carry the same. */
  compatible: string;
  /** Public keys whose bundles this image installs. */
  keys: { id: string; publicKey: string }[];
  /** Services that must be healthy before a trial boot commits. */
  critical: string[];
  commitAfterMs: number;
  /** A trial not committed this long after boot fails, and the device reboots into the committed slot. */
  commitTimeoutMs: number;
  /** Trial boots a new slot gets. */
  tries: number;
  /** GPT partition names of the EFI system partition and of the persistent data partition. */
  espLabel: string;
  dataLabel: string;
  /** Where the data partition is mounted. */
  dataMount: string;
}

/** Users and groups, as numeric ids, granted one level of the control socket. */
export interface ControlGrant {
  uids: number[];
  /** A peer is in a group by its primary gid or any supplementary one. */
  gids: number[];
}

/**
 * Who may use the control socket besides root (spec `control:`), which may
 * always do everything. `read` allows the commands that only look (status,
 * logs); `admin` allows every command. Absent: root only.
 */
export interface ControlAccessConfig {
  read: ControlGrant;
  admin: ControlGrant;
}

/**
 * A folder kept per device (spec `state:`): the init keeps it on the data
 * partition (in RAM without one), fills it at the first boot and bind-mounts
 * it over `path` at every boot, before onboot tasks and services run.
 */
export interface StateConfig {
  /** The folder of the read-only root, e.g. /etc/ssh. */
  path: string;
  /** Run once with the state folder mounted over `path` (argv), until it succeeds. */
  generate?: string[];
}

/**
 * A folder, file or symlink to create at boot in the tmpfs areas (/run, /tmp),
 * from packages' tmpfiles.d and the builder's table of what Debian's units and
 * maintainer scripts would create (e.g. sshd's /run/sshd). Owners are resolved.
 */
export interface RuntimeEntry {
  path: string;
  kind: 'directory' | 'file' | 'symlink';
  mode: number;
  uid: number;
  gid: number;
  /** A symlink's target, or a file's contents (empty when absent). */
  target?: string;
  contents?: string;
}

export interface InitConfig {
  version: number;
  /** Image name and version for logs and, later, status. */
  image: string;
  hostname: string;
  /** Kernel modules loaded at boot, before any service starts, in load order. */
  modules: ModuleConfig[];
  interfaces: InterfaceConfig[];
  onboot: ProcessConfig[];
  services: ServiceConfig[];
  logs: LogsConfig;
  update?: UpdateConfig;
  /** Control socket access beyond root; absent: root only. */
  control?: ControlAccessConfig;
  /** Absent in images without `state:` (and in configs written before it existed). */
  state?: StateConfig[];
  /** Created in order after /run and /tmp are mounted; absent means none. */
  runtimeEntries?: RuntimeEntry[];
}
