/**
 * Cross-field checks the schema cannot express, as a list of named rules. Each
 * takes a schema-valid spec and returns problems with their spec paths.
 */
import { startOrder } from '../../../contract/index.ts';
import { accountRules } from './account-rules.ts';
import { duplicateArchProblems, specArchProblems } from './arch-rules.ts';
import { containerServices, containerSources } from './container-rules.ts';
import { dhcpServiceName, specInterfaces } from './network-defaults.ts';
import { impliedServices } from './fleet-defaults.ts';
import { fleetRules } from './fleet-rules.ts';
import { filePathRules } from './path-rules.ts';
import { relationRules } from './relation-rules.ts';
import type { Spec } from './schema.ts';
import type { UnlocatedProblem } from './problem.ts';

type Rule = (spec: Spec) => UnlocatedProblem[];

/** Services and onboot tasks share one name space: both name log files. */
const uniqueNames: Rule = (spec) => {
  const problems: UnlocatedProblem[] = [];
  const seen = new Map<string, string>();
  const check = (list: 'onboot' | 'services', items: { name: string }[] | undefined) =>
    items?.forEach((item, i) => {
      const first = seen.get(item.name);
      if (first) problems.push({ path: [list, i, 'name'], message: `duplicate name "${item.name}", already used by ${first}` });
      else seen.set(item.name, `${list}[${i}]`);
    });
  check('onboot', spec.onboot);
  check('services', spec.services);
  return problems;
};

const knownDependencies: Rule = (spec) => {
  // The services time: and fleet: add can be depended on (time with condition ready: the clock is set).
  const names = [...(spec.services ?? []).map((service) => service.name), ...impliedServices(spec).keys()];
  // A set: a spec with many services must not make this quadratic.
  const known = new Set(names);
  return (spec.services ?? []).flatMap((service, i) =>
    (service.depends_on ?? []).flatMap(({ name: dependency }, j): UnlocatedProblem[] => {
      if (dependency === service.name) return [{ path: ['services', i, 'depends_on', j], message: `service "${service.name}" cannot depend on itself` }];
      if (known.has(dependency)) return [];
      return [{ path: ['services', i, 'depends_on', j], message: `unknown service "${dependency}", expected one of ${names.join('|')}` }];
    }),
  );
};

const noDependencyCycles: Rule = (spec) => {
  const services = spec.services ?? [];
  const result = startOrder(services.map((s) => ({ name: s.name, dependsOn: (s.depends_on ?? []).map((d) => d.name).filter((d) => d !== s.name) })));
  if (result.ok) return [];
  const index = services.findIndex((service) => service.name === result.cycle[0]);
  return [{ path: ['services', index, 'depends_on'], message: `dependency cycle${describeCycle(result.cycle)}` }];
};

/** `: a -> b -> a`, or for a long cycle its ends and length, so the message stays one readable line. */
function describeCycle(cycle: readonly string[]): string {
  const services = cycle.length - 1;
  if (services <= 12) return `: ${cycle.join(' -> ')}`;
  return ` of ${services} services: ${[...cycle.slice(0, 5), '...', ...cycle.slice(-3)].join(' -> ')}`;
}

const fileKinds = ['contents', 'source', 'directory', 'symlink'] as const;

/** Each file entry is exactly one thing: inline contents, a host file, a directory or a symlink. */
const oneKindPerFile: Rule = (spec) =>
  (spec.files ?? []).flatMap((file, i): UnlocatedProblem[] => {
    const given = fileKinds.filter((kind) => file[kind] !== undefined && file[kind] !== false);
    if (given.length === 1) return [];
    const got = given.length === 0 ? 'none' : given.join(' and ');
    return [{ path: ['files', i], message: `expected exactly one of ${fileKinds.join(', ')}, got ${got}` }];
  });

const interfaceAddressing: Rule = (spec) =>
  (spec.network?.interfaces ?? []).flatMap((iface, i): UnlocatedProblem[] => {
    const problems: UnlocatedProblem[] = [];
    if (iface.dhcp && iface.address) problems.push({ path: ['network', 'interfaces', i], message: 'expected either dhcp: true or an address, got both' });
    if (!iface.address && iface.gateway) problems.push({ path: ['network', 'interfaces', i, 'gateway'], message: 'a gateway needs a static address' });
    if (!iface.address && iface.dns) problems.push({ path: ['network', 'interfaces', i, 'dns'], message: 'dns servers are set with a static address (DHCP brings its own)' });
    return problems;
  });

const uniqueInterfaces: Rule = (spec) => {
  const seen = new Set<string>();
  return (spec.network?.interfaces ?? []).flatMap((iface, i): UnlocatedProblem[] => {
    if (!seen.has(iface.name)) return (seen.add(iface.name), []);
    return [{ path: ['network', 'interfaces', i, 'name'], message: `duplicate interface "${iface.name}"` }];
  });
};

const probeKinds = ['tcp', 'http', 'unix', 'command', 'file'] as const;

/** A ready or health probe checks exactly one thing. */
const oneTargetPerProbe: Rule = (spec) =>
  (spec.services ?? []).flatMap((service, i) =>
    (['ready', 'health'] as const).flatMap((which): UnlocatedProblem[] => {
      const probe = service[which];
      if (!probe) return [];
      const given = probeKinds.filter((kind) => probe[kind] !== undefined);
      if (given.length === 1) return [];
      return [{ path: ['services', i, which], message: `expected exactly one of ${probeKinds.join(', ')}, got ${given.length ? given.join(' and ') : 'none'}` }];
    }),
  );

/** `healthy` can only be waited for on a service that has a health check. */
const healthyNeedsCheck: Rule = (spec) => {
  const withHealth = new Set((spec.services ?? []).filter((s) => s.health).map((s) => s.name));
  const known = new Set((spec.services ?? []).map((s) => s.name));
  return (spec.services ?? []).flatMap((service, i) =>
    (service.depends_on ?? []).flatMap(({ name: dep, condition }, j): UnlocatedProblem[] =>
      condition === 'healthy' && known.has(dep) && !withHealth.has(dep)
        ? [{ path: ['services', i, 'depends_on', j], message: `condition healthy needs a health check on service "${dep}"; add health: to it or use ready` }]
        : [],
    ),
  );
};

/** A oneshot runs to completion: restarting it "always" would run it in a loop. */
const oneshotRestart: Rule = (spec) =>
  (spec.services ?? []).flatMap((service, i): UnlocatedProblem[] => {
    if (service.type !== 'oneshot') return [];
    const problems: UnlocatedProblem[] = [];
    if (service.restart === 'always') problems.push({ path: ['services', i, 'restart'], message: 'a oneshot service cannot restart always; use on-failure or never' });
    if (service.health) problems.push({ path: ['services', i, 'health'], message: 'a oneshot service has no health check: it is done once it exits 0' });
    return problems;
  });

const rebootNeedsLimit: Rule = (spec) =>
  (spec.services ?? []).flatMap((service, i): UnlocatedProblem[] =>
    service.on_failed === 'reboot' && service.restart_limit === undefined
      ? [{ path: ['services', i, 'on_failed'], message: 'on_failed: reboot needs restart_limit (without a limit the service never fails)' }]
      : [],
  );

/** The init runs each DHCP client as a service named dhcp-<interface>; a spec's service cannot take that name. */
const dhcpNamesFree: Rule = (spec) => {
  const clients = new Map(specInterfaces(spec).filter((iface) => !iface.address).map((iface) => [dhcpServiceName(iface.name), iface.name]));
  return (spec.services ?? []).flatMap((service, i): UnlocatedProblem[] => {
    const iface = clients.get(service.name);
    return iface === undefined ? [] : [{ path: ['services', i, 'name'], message: `name "${service.name}" is taken by the DHCP client of interface ${iface}; choose another` }];
  });
};

/** Every cross-field rule, run in this order. */
export const rules: readonly Rule[] = [
  uniqueNames,
  accountRules,
  knownDependencies,
  noDependencyCycles,
  oneKindPerFile,
  filePathRules,
  interfaceAddressing,
  relationRules,
  uniqueInterfaces,
  dhcpNamesFree,
  fleetRules,
  oneTargetPerProbe,
  healthyNeedsCheck,
  oneshotRestart,
  rebootNeedsLimit,
  containerSources,
  containerServices,
  duplicateArchProblems,
  specArchProblems,
];

/** Runs every rule and returns all problems found. */
export function checkRules(spec: Spec): UnlocatedProblem[] {
  return rules.flatMap((rule) => rule(spec));
}
