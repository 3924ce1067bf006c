/**
 * How imago compiles iptables for private container networks wherever it
 * compiles the container runtime (mips and mips64, which have no Debian
 * binaries, and any target whose spec asks for `container_runtime: {
 * from_source: true }`): Debian 12's `iptables` source package, static, with
 * what the CNI bridge plugin runs laid out at the paths Debian's package and
 * its postinst alternatives use, so the rest of builder/src/containers/ works
 * unchanged. Pure; iptables-from-source.ts runs it.
 *
 *   const flags = iptablesConfigureFlags(mips);   // ['--host=mips-linux-gnu', ..., '--disable-nftables', ...]
 *   iptablesLayout.links;                          // /usr/sbin/iptables -> /etc/alternatives/iptables -> ...
 *
 * Findings behind the recipe (Debian 12, iptables 1.8.9-2):
 * - Backend: legacy (xtables-legacy-multi), not nft. The nft backend needs
 *   Debian's libmnl and libnftnl sources, and the Debian archive this build
 *   reads answers 404 for their files (libmnl 1.0.4-3, libnftnl 1.2.4-2; the
 *   iptables source itself is there). The legacy backend needs neither, and
 *   kernel-config/containers.config builds in what it uses (IP_NF_IPTABLES,
 *   IP_NF_NAT, IP_NF_FILTER, IP_NF_TARGET_MASQUERADE, the xt_ comment and
 *   addrtype matches), so the bridge plugin's rules work all the same; on a
 *   Debian kernel the image loads the legacy modules instead of the nft ones
 *   (private-network.ts privateNetworkModules), which Debian builds too.
 *   The alternatives point at the legacy names, as Debian's postinst would
 *   with `update-alternatives --set iptables /usr/sbin/iptables-legacy`.
 * - Static: `--enable-static --disable-shared` puts every extension into the
 *   binary (no dlopen of /usr/lib/xtables), and libtool's `-all-static` links
 *   glibc statically. glibc warns that getprotobyname and friends need its
 *   NSS libraries at run time; without them the lookups fail and iptables
 *   falls back to its built-in protocol table, and the rules CNI writes use
 *   numbers and addresses only.
 * - Left out, each because nothing an image runs uses it: libipq (Debian
 *   disables it too), the development headers (--disable-devel), connlabel
 *   (would need libnetfilter_conntrack from source), the BPF compiler and
 *   nfsynproxy (off by default, need libpcap).
 * - Reproducible: no dates are compiled in; -ffile-prefix-map hides the
 *   source and build folders, and the binary is stripped like Debian's.
 */
import type { Target } from '../../../targets/types.ts';

/** Debian release whose iptables is compiled: the one the other architectures' package comes from. */
export const iptablesSourceRelease = 'bookworm';

/** Debian source package compiled. */
export const iptablesSourcePackage = 'iptables';

/** The one program installed: every iptables command is a name of it. */
export const iptablesMultiBinary = '/usr/sbin/xtables-legacy-multi';

/** The commands an image gets, as update-alternatives would link them (see plan/postinst-table.ts for the nft ones). */
const commands = ['iptables', 'iptables-save', 'iptables-restore', 'ip6tables', 'ip6tables-save', 'ip6tables-restore'];

/** The backend's name for a command: `iptables-save` is `iptables-legacy-save`. */
function backendName(command: string): string {
  return command.replace(/^(ip6?tables)/, '$1-legacy');
}

/**
 * Where the compiled iptables goes in an image: the binary, the links `make
 * install` makes to it (relative, as in Debian's package) and the two links
 * per command that update-alternatives would make.
 */
export const iptablesLayout: { binary: string; links: readonly { path: string; target: string }[] } = {
  binary: iptablesMultiBinary,
  links: [
    ...commands.map((command) => ({ path: `/usr/sbin/${backendName(command)}`, target: 'xtables-legacy-multi' })),
    ...commands.flatMap((command) => [
      { path: `/usr/sbin/${command}`, target: `/etc/alternatives/${command}` },
      { path: `/etc/alternatives/${command}`, target: `/usr/sbin/${backendName(command)}` },
    ]),
  ],
};

/** `./configure` arguments for `target`, each for a reason given in the header. */
export function iptablesConfigureFlags(target: Pick<Target, 'triplet'>): string[] {
  return [
    `--host=${target.triplet}`,
    '--prefix=/usr',
    '--sbindir=/usr/sbin',
    '--enable-static',
    '--disable-shared',
    '--disable-nftables',
    '--disable-connlabel',
    '--disable-libipq',
    '--disable-devel',
  ];
}

/** CFLAGS: Debian's optimisation, the target's flags, and no build folder in the binary. */
export function iptablesCflags(target: Pick<Target, 'cflags'>, folders: { source: string; build: string }): string {
  return ['-O2', `-ffile-prefix-map=${folders.source}=iptables`, `-ffile-prefix-map=${folders.build}=iptables`, ...target.cflags].join(' ');
}

/** Arguments of `make` after configure: libtool's flag for a fully static link. */
export const iptablesMakeArgs: readonly string[] = ['LDFLAGS=-all-static'];

/** Text that changes whenever the recipe for `target` does: part of the cache key. */
export function iptablesRecipeFingerprint(target: Pick<Target, 'triplet' | 'cflags'>): string {
  return JSON.stringify({ configure: iptablesConfigureFlags(target), cflags: iptablesCflags(target, { source: 'S', build: 'B' }), make: iptablesMakeArgs, layout: iptablesLayout });
}
