/**
 * `network: private` for container services: each such container gets its own
 * network namespace with an eth0 on the `imago0` bridge, an address from
 * 10.88.0.0/16, the device at 10.88.0.1 as its gateway, and outbound traffic
 * masqueraded to the device's own addresses. It is Docker's default bridge,
 * made by Debian's CNI plugins (bridge, host-local, loopback) through
 * `ctr run --cni`; the NAT rules go in with Debian's iptables (nft backend),
 * or, when the runtime is compiled from source (always on mips and mips64),
 * with iptables compiled from Debian's source (legacy backend, see
 * iptables-recipe.ts).
 * Pure: what the image needs, as packages, modules, files and text.
 */
import { bytes, type Tree } from '../tree/tree.ts';

/** The bridge on the device that private containers are attached to. */
export const bridgeName = 'imago0';
export const privateSubnet = '10.88.0.0/16';
/** The device's address on the bridge: how a private container reaches the device's services. */
export const bridgeGateway = '10.88.0.1';

/** The CNI network's name. */
const networkName = 'imago';
/** host-local's record of the addresses it gave out: one file per address, on the /var tmpfs. */
export const cniLeaseDir = `/var/lib/cni/networks/${networkName}`;

/** Where ctr's CNI library reads its network: the first configuration file in this folder. */
export const cniConfigPath = '/etc/cni/net.d/10-imago.conflist';
/** Debian installs the plugins here; ctr's library looks in /opt/cni/bin as well. */
const debianPluginDir = '/usr/lib/cni';
const upstreamPluginDir = '/opt/cni/bin';
/** Debian's plugins are about 3 MB each; an image keeps the three it uses. */
const usedPlugins = ['bridge', 'host-local', 'loopback'];

/** Names of the services of `spec` that run a container on the private network, in spec order. */
export function privateNetworkServices(spec: { services?: { name: string; image?: string; network?: string }[] }): string[] {
  return (spec.services ?? []).filter((service) => service.image !== undefined && service.network === 'private').map((service) => service.name);
}

/** Whether any service of `spec` runs a container on the private network. */
export function usesPrivateNetwork(spec: { services?: { name: string; image?: string; network?: string }[] }): boolean {
  return privateNetworkServices(spec).length > 0;
}

/** Debian packages for private networks (their dependencies are resolved later); neither when the runtime is compiled from source. */
export const privateNetworkPackages = ['containernetworking-plugins', 'iptables'];

/** Which kernel interface the image's iptables writes its rules through: Debian's package uses nft, the compiled one legacy (iptables-recipe.ts). */
export type IptablesBackend = 'nft' | 'legacy';

/**
 * Modules a Debian kernel loads for private networks, by iptables backend:
 * the bridge and veth pairs, and what the bridge plugin's MASQUERADE rules
 * use. nft: nftables with the pieces iptables-nft needs (the xt_ ones through
 * nft_compat). legacy: ip_tables with only the nat table, the one table the
 * plugin touches (its rules, its chain listing and its checks are all
 * `-t nat`), and the MASQUERADE target and comment match its rules name.
 * The kernel cannot load a missing one itself (an image has no modprobe), so
 * each list is complete; x_tables, nf_nat and nf_conntrack come in as
 * dependencies.
 */
export const privateNetworkModules: Record<IptablesBackend, readonly string[]> = {
  nft: ['bridge', 'veth', 'nf_tables', 'nft_chain_nat', 'nft_masq', 'nft_compat', 'xt_MASQUERADE', 'xt_comment', 'xt_addrtype'],
  legacy: ['bridge', 'veth', 'ip_tables', 'iptable_nat', 'xt_MASQUERADE', 'xt_comment'],
};

/** The CNI network list: a gateway bridge with masquerading, addresses from host-local, and lo brought up. */
export function cniConfig(): string {
  const network = {
    cniVersion: '1.0.0',
    name: networkName,
    plugins: [
      {
        type: 'bridge',
        bridge: bridgeName,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: { type: 'host-local', ranges: [[{ subnet: privateSubnet, gateway: bridgeGateway }]], routes: [{ dst: '0.0.0.0/0' }] },
      },
      { type: 'loopback' },
    ],
  };
  return `${JSON.stringify(network, null, 2)}\n`;
}

/**
 * Adds the CNI configuration and the plugin folder link to `tree`, and drops
 * unused plugins. The iptables commands the bridge plugin runs are linked by
 * iptables' row of plan/postinst-table.ts, as for any image with iptables;
 * a compiled iptables brings its own links (iptables-recipe.ts
 * iptablesLayout).
 */
export function addPrivateNetwork(tree: Tree): void {
  const pluginDir = `${debianPluginDir.slice(1)}/`;
  for (const entry of tree.entries()) {
    if (entry.path.startsWith(pluginDir) && !usedPlugins.includes(entry.path.slice(pluginDir.length))) tree.remove(entry.path);
  }
  tree.add({ path: cniConfigPath, kind: 'file', mode: 0o644, data: bytes(cniConfig()) });
  tree.add({ path: upstreamPluginDir, kind: 'symlink', mode: 0o777, target: debianPluginDir });
}
