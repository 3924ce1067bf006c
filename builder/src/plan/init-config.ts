/**
 * Turns the spec into the init's configuration (/etc/imago/init.json): users
 * resolved to ids, commands to argv, environments completed, defaults filled in,
 * DHCP clients added as supervised services. Pure.
 */
import { configVersion, type HealthConfig, type InitConfig, type InterfaceConfig, type ModuleConfig, type ProbeConfig, type ProcessConfig, type ServiceConfig } from '../../../contract/index.ts';
import type { OnbootSpec, ServiceSpec, Spec } from '../spec/schema.ts';
import type { UnlocatedProblem } from '../spec/problem.ts';
import { dhcpServiceName, specInterfaces } from '../spec/network-defaults.ts';
import { logDefaults, serviceDefaults } from '../spec/service-defaults.ts';
import { resolveProcessOwner } from '../spec/owner-rules.ts';
import { buildControlAccess } from './control-access.ts';
import { normalisePath } from '../tree/tree.ts';
import { udhcpcScriptPath } from './udhcpc-script.ts';
import { systemPath, systemService } from './system-service.ts';
import type { UserDatabase } from './users.ts';


export interface InitConfigResult {
  config: InitConfig;
  problems: UnlocatedProblem[];
}

type ProbeSpec = NonNullable<ServiceSpec['ready']>;

function probeConfig(probe: ProbeSpec, defaults: { intervalMs: number; timeoutMs: number }): ProbeConfig {
  const timing = { intervalMs: probe.interval ?? defaults.intervalMs, timeoutMs: probe.timeout ?? defaults.timeoutMs };
  if (probe.tcp !== undefined) return { kind: 'tcp', port: probe.tcp, ...timing };
  if (probe.http) return { kind: 'http', port: probe.http.port, path: probe.http.path ?? '/', status: probe.http.status, ...timing };
  if (probe.unix !== undefined) return { kind: 'unix', socket: probe.unix, ...timing };
  if (probe.command) return { kind: 'command', command: probe.command, ...timing };
  return { kind: 'file', file: probe.file, ...timing };
}

function healthConfig(health: NonNullable<ServiceSpec['health']>): HealthConfig {
  const d = serviceDefaults.health;
  return { ...probeConfig(health, d), retries: health.retries ?? d.retries, startPeriodMs: health.start_period ?? d.startPeriodMs };
}

/** A supervised udhcpc for one interface: -f keeps it in the foreground; the script applies each lease; -O asks for NTP servers too. */
function dhcpService(iface: string, hostname: string): ServiceConfig {
  return systemService(dhcpServiceName(iface), ['/bin/busybox', 'udhcpc', '-f', '-i', iface, '-s', udhcpcScriptPath, '-O', 'ntpsrv', '-x', `hostname:${hostname}`]);
}

/**
 * Builds the init's configuration from `spec` (after expandContainerServices).
 * `modules` are loaded at boot; `serviceModules` maps a service's name to the
 * modules loaded before its first start. Returns the config and the problems
 * found resolving users.
 */
export function buildInitConfig(spec: Spec, users: UserDatabase, modules: ModuleConfig[], serviceModules: ReadonlyMap<string, ModuleConfig[]> = new Map()): InitConfigResult {
  const problems: UnlocatedProblem[] = [];
  const hostname = spec.hostname ?? spec.name;

  const processConfig = (item: OnbootSpec | ServiceSpec, path: (string | number)[]): ProcessConfig => {
    // The same resolution `imago validate` runs (spec/owner-rules.ts), here against the planned tree.
    const resolved = resolveProcessOwner(users, item, path);
    if (resolved.problem) problems.push(resolved.problem);
    const credentials = resolved.credentials ?? { uid: 0, gid: 0, groups: [] as number[], home: '/root' };
    const env = { PATH: systemPath, HOME: credentials.home, TERM: 'linux', ...(item.env ?? {}) };
    return {
      name: item.name,
      // Every service has one after the rules and expandContainerServices; [] never reaches an image.
      command: item.command ?? [],
      env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
      workdir: item.workdir ?? '/',
      uid: credentials.uid,
      gid: credentials.gid,
      groups: credentials.groups,
      umask: ('umask' in item ? item.umask : undefined) ?? serviceDefaults.umask,
    };
  };

  const interfaces: InterfaceConfig[] = [];
  const dhcpServices: ServiceConfig[] = [];
  for (const iface of specInterfaces(spec)) {
    if (iface.address) {
      interfaces.push({ name: iface.name, address: iface.address, gateway: iface.gateway, dns: iface.dns });
      continue;
    }
    interfaces.push({ name: iface.name, dhcpService: dhcpServiceName(iface.name) });
    dhcpServices.push(dhcpService(iface.name, hostname));
  }

  // A service named like a DHCP client is refused by spec/rules.ts (dhcpNamesFree), so validate sees it.
  const services: ServiceConfig[] = [
    ...dhcpServices,
    ...(spec.services ?? []).map((service, i): ServiceConfig => {
      const backoff = service.backoff ?? {};
      const d = serviceDefaults;
      const ownModules = serviceModules.get(service.name) ?? [];
      return {
        ...processConfig(service, ['services', i]),
        type: service.type ?? 'simple',
        dependsOn: service.depends_on ?? [],
        ready: service.ready && probeConfig(service.ready, d.ready),
        health: service.health && healthConfig(service.health),
        restart: service.restart ?? (service.type === 'oneshot' ? 'on-failure' : d.restart),
        backoff: { initialMs: backoff.initial ?? d.backoff.initialMs, maxMs: backoff.max ?? d.backoff.maxMs, resetAfterMs: backoff.reset_after ?? d.backoff.resetAfterMs },
        restartLimit: service.restart_limit,
        onFailed: service.on_failed ?? 'stay',
        startTimeoutMs: service.start_timeout ?? d.startTimeoutMs,
        stopTimeoutMs: service.stop_timeout ?? d.stopTimeoutMs,
        stopSignal: service.stop_signal ?? d.stopSignal,
        limits: service.limits && { memoryBytes: service.limits.memory, cpu: service.limits.cpu, pids: service.limits.pids },
        ...(ownModules.length > 0 ? { modules: ownModules } : {}),
      };
    }),
  ];

  const logs = spec.logs ?? {};
  return {
    config: {
      version: configVersion,
      image: spec.name,
      hostname,
      modules,
      interfaces,
      onboot: (spec.onboot ?? []).map((task, i) => processConfig(task, ['onboot', i])),
      services,
      logs: {
        maxBytes: logs.max_size ?? logDefaults.maxBytes,
        maxAgeMs: logs.max_age ?? logDefaults.maxAgeMs,
        keep: logs.keep ?? logDefaults.keep,
        ringLines: logs.ring ?? logDefaults.ringLines,
        console: logs.console ?? logDefaults.console,
      },
      control: buildControlAccess(spec.control, users, problems),
      ...(spec.state ? { state: spec.state.map(({ path, generate }) => ({ path: `/${normalisePath(path)}`, ...(generate ? { generate } : {}) })) } : {}),
    },
    problems,
  };
}
