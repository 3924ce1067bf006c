/**
 * Cross-field rules of `fleet:` and `time:`: a persistent identity needs a
 * data partition, the fleet needs a time source, and the services these
 * sections add keep their names.
 */
import { hasDataPartition, impliedServices, usesDhcp } from './fleet-defaults.ts';
import type { UnlocatedProblem } from './problem.ts';
import type { Spec } from './schema.ts';

/** A persistent identity lives on /data; without one the device would lose its key at every boot yet think it keeps it. */
function identityNeedsData(spec: Spec): UnlocatedProblem[] {
  if (!spec.fleet || (spec.fleet.identity ?? 'persistent') !== 'persistent' || hasDataPartition(spec)) return [];
  return [{
    path: ['fleet', 'identity'],
    message: 'a persistent identity is kept on the data partition, which this image has not; add update: (its raw disk has /data) or set identity: ephemeral (the device activates again at each boot)',
  }];
}

/** Certificates cannot be checked in 1970: the fleet needs a server from the spec or from DHCP. */
function fleetNeedsTime(spec: Spec): UnlocatedProblem[] {
  if (!spec.fleet || (spec.time?.servers?.length ?? 0) > 0 || usesDhcp(spec)) return [];
  return [{
    path: ['fleet'],
    message: 'the fleet agent needs the time to check certificates, and this image has no time source (no time.servers and no interface using DHCP); add time: { servers: [host] }',
  }];
}

/** `time` and `fleet-agent` are services imago adds: a spec's service of that name would collide. */
function impliedNamesFree(spec: Spec): UnlocatedProblem[] {
  const implied = impliedServices(spec);
  return [
    ...(spec.services ?? []).map((service, i) => ({ at: ['services', i, 'name'], name: service.name })),
    ...(spec.onboot ?? []).map((task, i) => ({ at: ['onboot', i, 'name'], name: task.name })),
  ].flatMap(({ at, name }): UnlocatedProblem[] => {
    const section = implied.get(name);
    return section === undefined ? [] : [{ path: at, message: `name "${name}" is taken by the service that ${section} adds; choose another` }];
  });
}

/** Every rule of the fleet and time sections. */
export function fleetRules(spec: Spec): UnlocatedProblem[] {
  return [...identityNeedsData(spec), ...fleetNeedsTime(spec), ...impliedNamesFree(spec)];
}
