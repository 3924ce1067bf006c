/**
 * Rules between fields whose values are each fine alone but not together, in
 * the form of rules.ts. A field left out counts with its default, so a spec
 * that sets only one side is checked against what the image will really use.
 *
 *   relationRules(spec)   // [{ path: ['update', 'commit_after'], message: 'expected commit_after (10m) shorter than ...' }]
 */
import type { UnlocatedProblem } from './problem.ts';
import type { Spec } from './schema.ts';
import { serviceDefaults } from './service-defaults.ts';
import { formatDuration } from './units.ts';
import { defaultCommitAfterMs, defaultCommitTimeoutMs } from './update-defaults.ts';

/** How a duration reads in a message: as written when set, with "the default" when not. */
function described(ms: number, given: boolean): string {
  return given ? formatDuration(ms) : `${formatDuration(ms)}, the default`;
}

/** A trial boot must be able to commit before it gives up. */
function commitInTime(spec: Spec): UnlocatedProblem[] {
  const update = spec.update;
  if (!update) return [];
  const after = update.commit_after ?? defaultCommitAfterMs;
  const timeout = update.commit_timeout ?? defaultCommitTimeoutMs;
  if (after < timeout) return [];
  const at = update.commit_after !== undefined ? 'commit_after' : 'commit_timeout';
  return [
    {
      path: ['update', at],
      message: `expected commit_after (${described(after, update.commit_after !== undefined)}) shorter than commit_timeout (${described(timeout, update.commit_timeout !== undefined)}): every trial boot would time out and roll back before it could commit`,
    },
  ];
}

/** The doubling delay starts at `initial` and stops at `max`; the other way round it never doubles. */
function backoffOrder(spec: Spec): UnlocatedProblem[] {
  return (spec.services ?? []).flatMap((service, i): UnlocatedProblem[] => {
    const backoff = service.backoff;
    if (!backoff) return [];
    const initial = backoff.initial ?? serviceDefaults.backoff.initialMs;
    const max = backoff.max ?? serviceDefaults.backoff.maxMs;
    if (initial <= max) return [];
    const at = backoff.initial !== undefined ? 'initial' : 'max';
    return [
      {
        path: ['services', i, 'backoff', at],
        message: `expected backoff.initial (${described(initial, backoff.initial !== undefined)}) at most backoff.max (${described(max, backoff.max !== undefined)})`,
      },
    ];
  });
}

/** An IPv4 address as a 32-bit unsigned number. */
function ipNumber(address: string): number {
  return address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

function ipText(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

/**
 * A static address must be a host of its subnet (not the network or broadcast
 * address, which the kernel would take but nothing could reach), and the
 * gateway must be on that subnet, or the default route cannot be added.
 */
function staticAddressing(spec: Spec): UnlocatedProblem[] {
  return (spec.network?.interfaces ?? []).flatMap((iface, i): UnlocatedProblem[] => {
    if (!iface.address) return [];
    const [address = '', prefixText = '32'] = iface.address.split('/');
    const prefix = Number(prefixText);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    const host = ipNumber(address);
    const network = (host & mask) >>> 0;
    const broadcast = (network | ~mask) >>> 0;
    const subnet = `${ipText(network)}/${prefix}`;
    const problems: UnlocatedProblem[] = [];
    const at = (field: string, message: string) => problems.push({ path: ['network', 'interfaces', i, field], message });
    // /31 (point-to-point) and /32 have no network or broadcast address.
    if (prefix <= 30 && host === network) at('address', `${address} is the network address of ${subnet}, not a host on it; use an address from ${ipText(network + 1)} to ${ipText(broadcast - 1)}`);
    if (prefix <= 30 && host === broadcast) at('address', `${address} is the broadcast address of ${subnet}, not a host on it; use an address from ${ipText(network + 1)} to ${ipText(broadcast - 1)}`);
    if (iface.gateway !== undefined) {
      const gateway = ipNumber(iface.gateway);
      if (((gateway & mask) >>> 0) !== network) at('gateway', `gateway ${iface.gateway} is outside ${subnet}, the subnet of address ${iface.address}; the default route could not reach it`);
      else if (gateway === host) at('gateway', `gateway ${iface.gateway} is the interface's own address; give the router's address`);
    }
    return problems;
  });
}

/** `dhcp: false` says "no DHCP"; without an address the interface would get DHCP anyway. */
function dhcpOffNeedsAddress(spec: Spec): UnlocatedProblem[] {
  return (spec.network?.interfaces ?? []).flatMap((iface, i): UnlocatedProblem[] =>
    iface.dhcp === false && !iface.address
      ? [{ path: ['network', 'interfaces', i, 'dhcp'], message: `dhcp: false needs a static address (such as 192.168.1.10/24); without one ${iface.name} would still use DHCP. Add address:, or remove this entry (interfaces: [] configures no interface)` }]
      : [],
  );
}

/** Every relation rule. */
export function relationRules(spec: Spec): UnlocatedProblem[] {
  return [...commitInTime(spec), ...backoffOrder(spec), ...staticAddressing(spec), ...dhcpOffNeedsAddress(spec)];
}
