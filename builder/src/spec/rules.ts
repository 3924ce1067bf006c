/**
 * Cross-field checks the schema cannot express, as a list of named rules. Each
 * takes a schema-valid spec and returns problems with their spec paths.
 */
import { startOrder } from '../../../init/src/model/graph.ts';
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
  const names = (spec.services ?? []).map((service) => service.name);
  return (spec.services ?? []).flatMap((service, i) =>
    (service.depends_on ?? []).flatMap((dependency, j): UnlocatedProblem[] => {
      if (dependency === service.name) return [{ path: ['services', i, 'depends_on', j], message: `service "${service.name}" cannot depend on itself` }];
      if (names.includes(dependency)) return [];
      return [{ path: ['services', i, 'depends_on', j], message: `unknown service "${dependency}", expected one of ${names.join('|')}` }];
    }),
  );
};

const noDependencyCycles: Rule = (spec) => {
  const services = spec.services ?? [];
  const result = startOrder(services.map((s) => ({ name: s.name, dependsOn: (s.depends_on ?? []).filter((d) => d !== s.name) })));
  if (result.ok) return [];
  const index = services.findIndex((service) => service.name === result.cycle[0]);
  return [{ path: ['services', index, 'depends_on'], message: `dependency cycle: ${result.cycle.join(' -> ')}` }];
};

const fileKinds = ['contents', 'source', 'directory', 'symlink'] as const;

/** Each file entry is exactly one thing: inline contents, a host file, a directory or a symlink. */
const oneKindPerFile: Rule = (spec) =>
  (spec.files ?? []).flatMap((file, i): UnlocatedProblem[] => {
    const given = fileKinds.filter((kind) => file[kind] !== undefined && file[kind] !== false);
    if (given.length === 1) return [];
    const got = given.length === 0 ? 'none' : given.join(' and ');
    return [{ path: ['files', i], message: `expected exactly one of ${fileKinds.join(', ')}, got ${got}` }];
  });

const uniqueFilePaths: Rule = (spec) => {
  const seen = new Map<string, number>();
  return (spec.files ?? []).flatMap((file, i): UnlocatedProblem[] => {
    const normal = file.path.replace(/\/+$/, '') || '/';
    const first = seen.get(normal);
    seen.set(normal, first ?? i);
    return first === undefined ? [] : [{ path: ['files', i, 'path'], message: `duplicate path "${file.path}", already set by files[${first}]` }];
  });
};

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

/** Every cross-field rule, run in this order. */
export const rules: readonly Rule[] = [
  uniqueNames,
  knownDependencies,
  noDependencyCycles,
  oneKindPerFile,
  uniqueFilePaths,
  interfaceAddressing,
  uniqueInterfaces,
];

/** Runs every rule and returns all problems found. */
export function checkRules(spec: Spec): UnlocatedProblem[] {
  return rules.flatMap((rule) => rule(spec));
}
