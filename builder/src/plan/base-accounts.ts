/**
 * Debian's fixed system accounts, from base-passwd's master files
 * (/usr/share/base-passwd/passwd.master and group.master). A build for an
 * architecture with Debian packages reads them from the base-passwd .deb it
 * downloads; validate (no downloads) and mips/mips64 (no Debian binaries) use
 * the copy below. The master files hold only names and numbers, identical in
 * every architecture's .deb, so one copy serves all: base-accounts.test.ts
 * checks that the copy parses like the real files.
 *
 *   const accounts = baseAccounts(masterFiles);   // { users: [...], groups: [...] }
 */
import { parseGroupLines, parsePasswdLines, type GroupAccount, type UserAccount } from './account-files.ts';

/** The text of passwd.master and group.master as the base-passwd .deb ships them. */
export interface MasterFiles {
  passwd: string;
  group: string;
}

/** Debian 12's base-passwd 3.6.1 master files, for when no .deb is at hand. */
export const builtinMasterFiles: MasterFiles = {
  passwd: [
    'root:*:0:0:root:/root:/bin/bash', 'daemon:*:1:1:daemon:/usr/sbin:/usr/sbin/nologin', 'bin:*:2:2:bin:/bin:/usr/sbin/nologin',
    'sys:*:3:3:sys:/dev:/usr/sbin/nologin', 'sync:*:4:65534:sync:/bin:/bin/sync', 'games:*:5:60:games:/usr/games:/usr/sbin/nologin',
    'man:*:6:12:man:/var/cache/man:/usr/sbin/nologin', 'lp:*:7:7:lp:/var/spool/lpd:/usr/sbin/nologin', 'mail:*:8:8:mail:/var/mail:/usr/sbin/nologin',
    'news:*:9:9:news:/var/spool/news:/usr/sbin/nologin', 'uucp:*:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin', 'proxy:*:13:13:proxy:/bin:/usr/sbin/nologin',
    'www-data:*:33:33:www-data:/var/www:/usr/sbin/nologin', 'backup:*:34:34:backup:/var/backups:/usr/sbin/nologin',
    'list:*:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin', 'irc:*:39:39:ircd:/run/ircd:/usr/sbin/nologin',
    '_apt:*:42:65534::/nonexistent:/usr/sbin/nologin', 'nobody:*:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
  ].join('\n') + '\n',
  group: [
    'root:0', 'daemon:1', 'bin:2', 'sys:3', 'adm:4', 'tty:5', 'disk:6', 'lp:7', 'mail:8', 'news:9', 'uucp:10', 'man:12', 'proxy:13',
    'kmem:15', 'dialout:20', 'fax:21', 'voice:22', 'cdrom:24', 'floppy:25', 'tape:26', 'sudo:27', 'audio:29', 'dip:30', 'www-data:33',
    'backup:34', 'operator:37', 'list:38', 'irc:39', 'src:40', 'shadow:42', 'utmp:43', 'video:44', 'sasl:45', 'plugdev:46', 'staff:50',
    'games:60', 'users:100', 'nogroup:65534',
  ].map((entry) => entry.replace(':', ':*:') + ':').join('\n') + '\n',
};

/** Where the base-passwd .deb keeps its master files, without the leading slash. */
export const masterFilePaths = { passwd: 'usr/share/base-passwd/passwd.master', group: 'usr/share/base-passwd/group.master' } as const;

/**
 * The base accounts from master files. Root's shell becomes /bin/sh: images
 * have BusyBox's, and bash only when a spec lists it.
 */
export function baseAccounts(master: MasterFiles = builtinMasterFiles): { users: UserAccount[]; groups: GroupAccount[] } {
  const users = parsePasswdLines(master.passwd).map((user) => (user.name === 'root' ? { ...user, shell: '/bin/sh' } : user));
  return { users, groups: parseGroupLines(master.group) };
}
