/**
 * Facts about a spec's network that both the spec rules and the init's
 * configuration need: which interfaces there are when the spec names none,
 * and the service name of an interface's DHCP client. In spec/, so `imago
 * validate` checks against the very names the build will use.
 */
import type { InterfaceSpec, Spec } from './schema.ts';

/** When a spec says nothing about the network: eth0 by DHCP, as on most boards and VMs. */
export const defaultInterfaces: readonly InterfaceSpec[] = [{ name: 'eth0', dhcp: true }];

/** The spec's interfaces, or the default ones when it names none. */
export function specInterfaces(spec: Spec): readonly InterfaceSpec[] {
  return spec.network?.interfaces ?? defaultInterfaces;
}

/** The name of the DHCP client service for an interface; the init supervises it like any service. */
export function dhcpServiceName(iface: string): string {
  return `dhcp-${iface.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`;
}
