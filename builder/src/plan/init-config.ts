/**
 * Turns the spec into the init's configuration (/etc/imago/init.json): users
 * resolved to ids, commands to argv, environments completed, DHCP clients added
 * as supervised services. Pure.
 */
import { configVersion, type InitConfig, type InterfaceConfig, type ModuleConfig, type ProcessConfig, type ServiceConfig } from '../../../init/src/config.ts';
import type { OnbootSpec, ServiceSpec, Spec } from '../spec/schema.ts';
import type { UnlocatedProblem } from '../spec/problem.ts';
import type { UserDatabase } from './users.ts';
import { udhcpcScriptPath } from './udhcpc-script.ts';

const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const defaultStopTimeoutMs = 5000;

/** When a spec says nothing about the network: eth0 by DHCP, as on most boards and VMs. */
const defaultInterfaces = [{ name: 'eth0', dhcp: true }];

export interface InitConfigResult {
  config: InitConfig;
  problems: UnlocatedProblem[];
}

/** The name of the DHCP client service for an interface. */
export function dhcpServiceName(iface: string): string {
  return `dhcp-${iface.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`;
}

export function buildInitConfig(spec: Spec, users: UserDatabase, modules: ModuleConfig[]): InitConfigResult {
  const problems: UnlocatedProblem[] = [];
  const hostname = spec.hostname ?? spec.name;

  const processConfig = (item: OnbootSpec | ServiceSpec, path: (string | number)[]): ProcessConfig => {
    let credentials = { uid: 0, gid: 0, groups: [] as number[], home: '/root' };
    try {
      credentials = users.resolve(item.user);
    } catch (error) {
      problems.push({ path: [...path, 'user'], message: (error as Error).message });
    }
    const env = { PATH: defaultPath, HOME: credentials.home, TERM: 'linux', ...(item.env ?? {}) };
    return {
      name: item.name,
      command: item.command,
      env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
      workdir: item.workdir ?? '/',
      uid: credentials.uid,
      gid: credentials.gid,
      groups: credentials.groups,
    };
  };

  const interfaces: InterfaceConfig[] = [];
  const dhcpServices: ServiceConfig[] = [];
  for (const iface of spec.network?.interfaces ?? defaultInterfaces) {
    if ('address' in iface && iface.address) {
      interfaces.push({ name: iface.name, address: iface.address, gateway: iface.gateway, dns: iface.dns });
      continue;
    }
    const name = dhcpServiceName(iface.name);
    interfaces.push({ name: iface.name, dhcpService: name });
    dhcpServices.push({
      name,
      // -f: stay in the foreground, supervised; the script configures the interface on each lease.
      command: ['/bin/busybox', 'udhcpc', '-f', '-i', iface.name, '-s', udhcpcScriptPath, '-x', `hostname:${hostname}`],
      env: [`PATH=${defaultPath}`],
      workdir: '/',
      uid: 0,
      gid: 0,
      groups: [],
      dependsOn: [],
      restart: 'always',
      stopTimeoutMs: defaultStopTimeoutMs,
    });
  }

  spec.services?.forEach((service, i) => {
    if (dhcpServices.some((d) => d.name === service.name)) problems.push({ path: ['services', i, 'name'], message: `name "${service.name}" is taken by the DHCP client of an interface; choose another` });
  });

  const services: ServiceConfig[] = [
    ...dhcpServices,
    ...(spec.services ?? []).map((service, i) => ({
      ...processConfig(service, ['services', i]),
      dependsOn: service.depends_on ?? [],
      restart: service.restart ?? 'always',
      stopTimeoutMs: defaultStopTimeoutMs,
    })),
  ];

  return {
    config: {
      version: configVersion,
      image: spec.name,
      hostname,
      modules,
      interfaces,
      onboot: (spec.onboot ?? []).map((task, i) => processConfig(task, ['onboot', i])),
      services,
    },
    problems,
  };
}
