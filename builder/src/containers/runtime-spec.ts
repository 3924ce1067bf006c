/**
 * The OCI runtime spec (runc's config.json) of a container service whose
 * image is prepared at build time: `ctr run --config` takes it as it is, so
 * nothing of containerd's image store is involved at boot. Pure.
 *
 * Why a whole spec rather than `ctr run --rootfs` plus flags: ctr 1.6 (Debian
 * 12) has no `--user` flag, and with `--rootfs` it reads no image config, so
 * the image's user, environment, working directory and entrypoint would be
 * lost. The spec below is what ctr itself would build (containerd's default
 * Unix spec: namespaces, mounts, capabilities, masked paths, the device rules
 * of `ctr run`), with the image config and the service's settings applied the
 * way `ctr run IMAGE` applies them, and the pids limit ctr has no flag for.
 *
 *   const spec = containerRuntimeSpec(service, { rootfs: '/run/imago-containers/broker/root', run: { Entrypoint: ['/usr/sbin/mosquitto'] } });
 *   JSON.stringify(spec);   // for /etc/imago/containers/broker.json
 */
import type { ServiceSpec } from '../spec/schema.ts';
import { containerNamespace } from './names.ts';
import type { ImageRunConfig } from './oci-image.ts';

/** containerd's default capabilities for a container, the same set Docker gives. */
const defaultCapabilities = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

interface Mount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

/** The kernel filesystems every container gets, as containerd mounts them. */
const baseMounts: Mount[] = [
  { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
  { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
  { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
  { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
  { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
];

/** Character devices a container may use (major, minor; null: any minor), after a rule that denies all: ctr run's list. */
const allowedDevices: [number, number | null][] = [
  [1, 3], // null
  [1, 8], // random
  [1, 7], // full
  [5, 0], // tty
  [1, 5], // zero
  [1, 9], // urandom
  [5, 1], // console
  [136, null], // pts
  [5, 2], // ptmx
];

/** What the spec needs to know about the prepared image. */
export interface PreparedRuntime {
  /** Where the helper mounts the container's root (the image read-only, a writable layer in RAM). */
  rootfs: string;
  /** The image's config: user as numeric uid:gid, environment, entrypoint, command, working directory. */
  run: ImageRunConfig;
}

/** `KEY=value` entries with later keys replacing earlier ones in place, as containerd's WithEnv does. */
export function mergeEnv(base: readonly string[], extra: Readonly<Record<string, string>>): string[] {
  const env = [...base];
  for (const [key, value] of Object.entries(extra)) {
    const at = env.findIndex((entry) => entry.slice(0, entry.indexOf('=')) === key);
    if (at >= 0) env[at] = `${key}=${value}`;
    else env.push(`${key}=${value}`);
  }
  return env;
}

/** The image's `uid:gid` (numeric, as debian-image.ts writes it) as runc's user; root without one. */
function processUser(user: string | undefined): { uid: number; gid: number } {
  if (user === undefined || user === '') return { uid: 0, gid: 0 };
  const match = /^(\d+)(?::(\d+))?$/.exec(user);
  if (!match) throw new Error(`image user "${user}" is not numeric uid:gid: a prepared image resolves its user at build time`);
  return { uid: Number(match[1]), gid: Number(match[2] ?? match[1]) };
}

/**
 * The runtime spec of `service` run from a prepared image. The service's
 * command replaces the image's entrypoint and command (as `ctr run IMAGE ID
 * COMMAND` does), its env is added to the image's, its workdir replaces the
 * image's. Host network shares the device's network namespace, /etc/hosts
 * and /etc/resolv.conf; private and none get a namespace of their own (ctr
 * --cni attaches the private one). Limits go to the container's cgroup,
 * /imago/<service> as with ctr. Throws when the image's user is not numeric.
 */
export function containerRuntimeSpec(service: ServiceSpec, image: PreparedRuntime): Record<string, unknown> {
  const network = service.network ?? 'host';
  const args = service.command ?? [...(image.run.Entrypoint ?? []), ...(image.run.Cmd ?? [])];
  if (args.length === 0) throw new Error(`service ${service.name}: the image has no entrypoint or cmd, and the service no command`);
  const mounts: Mount[] = [...baseMounts];
  if (network === 'host') {
    mounts.push({ destination: '/etc/hosts', type: 'bind', source: '/etc/hosts', options: ['rbind', 'ro'] });
    mounts.push({ destination: '/etc/resolv.conf', type: 'bind', source: '/etc/resolv.conf', options: ['rbind', 'ro'] });
  }
  for (const mount of service.mounts ?? []) {
    mounts.push({ destination: mount.target, type: 'bind', source: mount.source, options: ['rbind', mount.readonly ? 'ro' : 'rw'] });
  }
  const namespaces = ['pid', 'ipc', 'uts', 'mount', ...(network === 'host' ? [] : ['network'])].map((type) => ({ type }));
  const resources: Record<string, unknown> = {
    devices: [{ allow: false, access: 'rwm' }, ...allowedDevices.map(([major, minor]) => ({ allow: true, type: 'c', major, ...(minor === null ? {} : { minor }), access: 'rwm' }))],
  };
  const limits = service.limits;
  if (limits?.memory !== undefined) resources.memory = { limit: limits.memory };
  // ctr's --cpus: a quota of that many 100 ms periods.
  if (limits?.cpu !== undefined) resources.cpu = { quota: Math.round(limits.cpu * 100_000), period: 100_000 };
  if (limits?.pids !== undefined) resources.pids = { limit: limits.pids };
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: false,
      user: processUser(image.run.User),
      args,
      env: mergeEnv(image.run.Env ?? [], service.env ?? {}),
      cwd: service.workdir ?? image.run.WorkingDir ?? '/',
      capabilities: { bounding: defaultCapabilities, effective: defaultCapabilities, permitted: defaultCapabilities },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    // Writable: runc makes mount points in it; the writes land in the RAM layer the helper mounts over the image.
    root: { path: image.rootfs, readonly: false },
    mounts,
    linux: {
      resources,
      cgroupsPath: `/${containerNamespace}/${service.name}`,
      namespaces,
      maskedPaths: ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}
