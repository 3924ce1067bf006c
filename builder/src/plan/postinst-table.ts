/**
 * What Debian's maintainer scripts and systemd units would have created, for
 * packages whose daemons need it. Maintainer scripts never run in an image
 * (there is no dpkg at build time and the root is read-only at run time), so
 * each row says the same thing declaratively, as tmpfiles.d lines that
 * apply-tmpfiles.ts carries out with the packages' own tmpfiles.d files.
 *
 * A row applies when the image has the file `when` (a file the package ships),
 * so it follows the package whichever way it arrived (listed or a dependency).
 * `L` creates a link only where nothing is, so the spec's `files:` still win.
 *
 * update-alternatives: Debian declares alternatives only in postinst, so the
 * links it would make are rows here (link -> /etc/alternatives/name -> path),
 * the highest-priority choice only.
 */

export interface PostinstRow {
  package: string;
  /** An absolute path the package ships: the row applies when the image has it. */
  when: string;
  /** tmpfiles.d lines (see tmpfiles.ts). */
  lines: readonly string[];
  /** Where Debian does this, so a reader can check the row against the package. */
  why: string;
}

/** One update-alternatives choice as the two links it makes. */
function alternative(link: string, name: string, path: string): string[] {
  return [`L ${link} - - - - /etc/alternatives/${name}`, `L /etc/alternatives/${name} - - - - ${path}`];
}

export const postinstTable: readonly PostinstRow[] = [
  {
    package: 'nginx-common',
    when: '/etc/nginx/sites-available/default',
    lines: [
      'L /etc/nginx/sites-enabled/default - - - - /etc/nginx/sites-available/default',
      'd /var/log/nginx 0755 root adm',
      'f /var/log/nginx/access.log 0640 www-data adm',
      'f /var/log/nginx/error.log 0640 www-data adm',
      'd /var/www/html 0755 root root',
      'C /var/www/html/index.nginx-debian.html - - - - /usr/share/nginx/html/index.html',
    ],
    why: 'nginx-common postinst (configure): default site link, log files, default page',
  },
  {
    package: 'openssh-server',
    when: '/usr/sbin/sshd',
    lines: ['d /run/sshd 0755 root root'],
    why: 'ssh.service RuntimeDirectory=sshd: sshd refuses to start without its privilege separation folder',
  },
  {
    package: 'openssh-server',
    when: '/usr/share/openssh/sshd_config',
    lines: ['C /etc/ssh/sshd_config - - - - /usr/share/openssh/sshd_config'],
    why: 'openssh-server postinst copies the sshd_config it ships into /etc/ssh (through ucf); sshd will not start without one',
  },
  {
    package: 'mosquitto',
    when: '/usr/sbin/mosquitto',
    lines: ['d /var/lib/mosquitto 0755 mosquitto mosquitto', 'd /var/log/mosquitto 0755 mosquitto mosquitto', 'd /run/mosquitto 0755 mosquitto mosquitto'],
    why: 'mosquitto postinst chowns its state and log folders; mosquitto.service makes /run/mosquitto for the pid file',
  },
  {
    package: 'iptables',
    when: '/usr/sbin/iptables-nft',
    lines: ['iptables', 'iptables-save', 'iptables-restore', 'ip6tables', 'ip6tables-save', 'ip6tables-restore'].flatMap((name) => alternative(`/usr/sbin/${name}`, name, `/usr/sbin/${name.replace(/^(ip6?tables)/, '$1-nft')}`)),
    why: 'iptables postinst: update-alternatives --install, nft variants (priority 20) above legacy (10)',
  },
];
