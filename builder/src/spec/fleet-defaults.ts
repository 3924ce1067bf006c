/**
 * Facts about the spec's `fleet:` and `time:` sections that both the spec
 * rules and the plan need: the names of the services they add, whether the
 * image sets its clock, and the defaults. In spec/, so `imago validate` checks
 * against the very names the build will use.
 */
import type { Spec } from './schema.ts';
import { specInterfaces } from './network-defaults.ts';

/** BusyBox ntpd, supervised; ready once the clock has been set by a real time source. */
export const timeServiceName = 'time';
/** The fleet agent, supervised like any service (never PID 1: PID 1 must not parse network input). */
export const fleetServiceName = 'fleet-agent';
/** Seconds the server may hold a poll open when the spec does not say. */
export const defaultPollWaitSeconds = 25;

/** Whether the image runs the time service: asked for with `time:`, or needed by the fleet agent's certificate checks. */
export function usesTime(spec: Spec): boolean {
  return spec.time !== undefined || spec.fleet !== undefined;
}

/** Whether the device has a data partition (/data): only images built for A/B updates have one. */
export function hasDataPartition(spec: Spec): boolean {
  return spec.update !== undefined;
}

/** Whether any interface gets its address by DHCP, whose lease may name NTP servers (option 42). */
export function usesDhcp(spec: Spec): boolean {
  return specInterfaces(spec).some((iface) => !iface.address);
}

/** The services imago adds for `time:` and `fleet:`, by name, with the section that adds each. */
export function impliedServices(spec: Spec): Map<string, string> {
  const services = new Map<string, string>();
  if (usesTime(spec)) services.set(timeServiceName, spec.time ? 'time:' : 'fleet: (it needs the time)');
  if (spec.fleet) services.set(fleetServiceName, 'fleet:');
  return services;
}
