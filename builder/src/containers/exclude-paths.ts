/**
 * Which files of a container's packages stay out of its image, the way
 * distroless and apko images leave out what no program reads at run time:
 * documentation, manuals, translations, shell completions, service manager
 * units, headers and package-manager state. Pure.
 *
 * A pattern is an absolute path where `*` matches within one path segment and
 * `**` any number of segments; a pattern that names a directory takes
 * everything below it. `!pattern` keeps what an earlier pattern excluded. The
 * last matching pattern decides, the defaults coming first, so a spec's
 * `exclude:` adds to them or takes some back:
 *
 *   const excluded = pathExcluder(['/usr/bin/mosquitto_passwd', '!/usr/share/locale/de/**']);
 *   excluded('usr/share/doc/mosquitto/copyright');   // true
 *   excluded('usr/share/locale/de/LC_MESSAGES/x.mo'); // false
 */

/**
 * Left out of every built image unless the spec takes them back. Each is
 * read by people, package managers or service managers, never by the
 * container's entrypoint: every byte of an image lives in the device's RAM.
 */
export const defaultExcludes: readonly string[] = [
  '/usr/share/doc',
  '/usr/share/doc-base',
  '/usr/share/man',
  '/usr/share/info',
  '/usr/share/lintian',
  '/usr/share/linda',
  '/usr/share/bug',
  '/usr/share/locale',
  '/usr/share/i18n',
  '/usr/share/bash-completion',
  '/usr/share/zsh',
  '/usr/share/fish',
  '/usr/share/menu',
  '/usr/share/pixmaps',
  '/usr/share/applications',
  '/usr/share/gtk-doc',
  '/usr/share/debconf',
  '/usr/share/pam-configs',
  '/usr/share/perl5/Debconf',
  '/usr/share/polkit-1',
  '/usr/share/apport',
  '/usr/include',
  '/usr/share/pkgconfig',
  '/usr/lib/*/pkgconfig',
  '/usr/lib/**/*.a',
  '/usr/lib/**/*.la',
  // Service managers' and package managers' files: a container's PID 1 is its entrypoint, and nothing installs into it.
  '/lib/systemd',
  '/usr/lib/systemd',
  '/etc/systemd',
  '/etc/init.d',
  '/etc/rc?.d',
  '/etc/logrotate.d',
  '/etc/cron.*',
  '/etc/apparmor.d',
  '/usr/lib/sysusers.d',
  '/usr/lib/tmpfiles.d',
  '/var/lib/dpkg',
  '/var/cache/debconf',
  // The maintainer scripts' helpers: they are never run in an image (its accounts are written at build time).
  '/usr/sbin/adduser',
  '/usr/sbin/addgroup',
  '/usr/sbin/deluser',
  '/usr/sbin/delgroup',
  '/usr/share/adduser',
  '/usr/bin/debconf*',
  '/etc/adduser.conf',
  '/etc/deluser.conf',
  '/etc/debconf.conf',
  '/etc/apt',
  '/usr/sbin/dpkg-*',
];

/** One pattern as a regular expression over tree paths (no leading slash), matching the path or anything below it. */
function patternRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .split(/(\*\*\/|\*\*|\*|\?)/)
    .map((part) => {
      if (part === '**/') return '(?:.*/)?';
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      if (part === '?') return '[^/]';
      return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${body}(?:/.*)?$`);
}

/**
 * Whether `pattern` is well formed: absolute, after an optional `!`. Returns
 * the problem, or undefined. The spec schema uses it for its message.
 */
export function excludePatternProblem(pattern: string): string | undefined {
  const path = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  if (!path.startsWith('/')) return `expected an absolute path pattern such as /usr/share/doc or !/usr/share/locale/de, got "${pattern}"`;
  if (path.split('/').includes('..')) return `expected a path without "..", got "${pattern}"`;
  return undefined;
}

/**
 * A predicate over tree paths (`usr/share/doc/x`, no leading slash): true
 * when the last pattern of `defaultExcludes` then `extra` that matches the
 * path (or a folder above it) excludes it.
 */
export function pathExcluder(extra: readonly string[] = []): (path: string) => boolean {
  const rules = [...defaultExcludes, ...extra].map((pattern) => {
    const keep = pattern.startsWith('!');
    return { keep, regexp: patternRegExp(keep ? pattern.slice(1) : pattern) };
  });
  return (path) => {
    let excluded = false;
    for (const rule of rules) if (rule.regexp.test(path)) excluded = !rule.keep;
    return excluded;
  };
}
