/**
 * System users that Debian packages create only in their maintainer scripts
 * (adduser --system in postinst), which imago does not run. Each row says what
 * the package's postinst creates, so an image or container that holds the
 * package gets the same account. Packages that ship a sysusers.d file need no
 * row (sysusers.ts reads it); a package whose user base-passwd already has
 * (nginx runs as www-data) has a row with `base` so the table documents it.
 * Ids are not fixed here: allocate-accounts.ts gives them, stable and
 * reproducible.
 *
 *   packageAccountRequests(['mosquitto'])   // user mosquitto (group mosquitto, home /var/lib/mosquitto)
 */
import type { AccountRequest } from './sysusers.ts';

export interface PackageUser {
  name: string;
  home: string;
  shell?: string;
  gecos?: string;
  /** Its primary group; a group of the user's own name when left out. */
  group?: string;
  /** Supplementary groups, as the postinst adds them. */
  groups?: string[];
}

export interface PackageUsersRow {
  package: string;
  /** Packages that depend on it, so that a spec naming only them (as validate sees it) gets its users too. */
  via?: string[];
  users?: PackageUser[];
  /** Groups the postinst creates beyond the users' own. */
  groups?: string[];
  /** Accounts the package uses that base-passwd already provides. */
  base?: string[];
}

const nologin = '/usr/sbin/nologin';

/** Debian 12's postinst scripts, one row per package. */
export const packageUsers: readonly PackageUsersRow[] = [
  { package: 'nginx-common', via: ['nginx', 'nginx-light', 'nginx-full'], base: ['www-data'] },
  { package: 'apache2', base: ['www-data'] },
  { package: 'openssh-server', users: [{ name: 'sshd', home: '/run/sshd', group: 'nogroup' }] },
  { package: 'mosquitto', users: [{ name: 'mosquitto', home: '/var/lib/mosquitto' }] },
  { package: 'chrony', users: [{ name: '_chrony', home: '/var/lib/chrony', gecos: 'Chrony daemon' }] },
  { package: 'dnsmasq-base', via: ['dnsmasq'], users: [{ name: 'dnsmasq', home: '/var/lib/misc', group: 'nogroup', gecos: 'dnsmasq' }] },
  { package: 'avahi-daemon', users: [{ name: 'avahi', home: '/run/avahi-daemon', gecos: 'Avahi mDNS daemon' }] },
  { package: 'ntpsec', users: [{ name: 'ntpsec', home: '/nonexistent' }] },
  { package: 'redis-server', users: [{ name: 'redis', home: '/var/lib/redis' }] },
  { package: 'postfix', users: [{ name: 'postfix', home: '/var/spool/postfix' }], groups: ['postdrop'] },
  { package: 'tcpdump', users: [{ name: 'tcpdump', home: '/nonexistent' }] },
  { package: 'haproxy', users: [{ name: 'haproxy', home: '/var/lib/haproxy' }] },
  { package: 'unbound', users: [{ name: 'unbound', home: '/var/lib/unbound' }] },
  { package: 'prometheus-node-exporter', users: [{ name: 'prometheus', home: '/var/lib/prometheus' }] },
];

/** The rows for the given packages, in table order. */
export function packageUsersRows(packages: readonly string[]): PackageUsersRow[] {
  const names = new Set(packages);
  return packageUsers.filter((row) => names.has(row.package) || (row.via ?? []).some((name) => names.has(name)));
}

/** What the rows of the given packages ask the allocator for. */
export function packageAccountRequests(packages: readonly string[]): AccountRequest[] {
  return packageUsersRows(packages).flatMap((row): AccountRequest[] => {
    const source = `package ${row.package}`;
    const groups: AccountRequest[] = (row.groups ?? []).map((name) => ({ kind: 'group', name, source }));
    const users = (row.users ?? []).flatMap((user): AccountRequest[] => [
      { kind: 'user', name: user.name, home: user.home, shell: user.shell ?? nologin, gecos: user.gecos ?? '', ...(user.group ? { group: user.group } : {}), source },
      ...(user.groups ?? []).map((group): AccountRequest => ({ kind: 'member', user: user.name, group, source })),
    ]);
    return [...groups, ...users];
  });
}
