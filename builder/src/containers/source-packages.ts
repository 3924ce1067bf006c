/**
 * The Debian packages imago compiles itself for container images on targets
 * Debian 12 has no binaries for (mips, mips64): which source package each
 * comes from, how it is built, which files it installs at Debian's paths and
 * which accounts it needs. A spec's `packages:` there may name only these.
 * Pure; build-source-packages.ts runs it.
 *
 *   sourceBuiltPackage('mosquitto-clients')?.files;   // mosquitto_pub, mosquitto_sub, mosquitto_rr at /usr/bin
 *   sourceBuiltPackageNames();                         // ['busybox-static', 'mosquitto', 'mosquitto-clients']
 *
 * mosquitto (Debian 12: 2.0.11-1.2+deb12u2) is built with its own Makefile
 * rather than Debian's CMake: the CMake project enables C++ (for
 * libmosquittopp, which nothing here needs) and Debian has no C++ cross
 * compiler in the toolchain imago installs. Everything is linked statically
 * against glibc, so an image holds the programs and nothing else. What is off
 * and why (Debian's build has each of these on):
 * - TLS: it needs OpenSSL built for the target, which imago does not compile
 *   yet. The broker listens and the clients connect in plain MQTT only.
 *   Beware: mosquitto ignores a listener's cafile/certfile/keyfile with only
 *   a warning ("Bridge and/or TLS support not available") and serves that
 *   listener in plain text. Put TLS in front (a tunnel) or use another target.
 * - websockets (libwebsockets), systemd notification (libsystemd; a container
 *   has no systemd), TCP wrappers (libwrap), DLT logging (libdlt): none has
 *   a use in a container, and each would be one more library to cross-build.
 * - cJSON: only the dynamic-security plugin and the clients' JSON output
 *   (`-F %j`, `-F %J`) use it, and neither is built here.
 * - apps and plugins: mosquitto_passwd needs OpenSSL, mosquitto_ctrl and the
 *   dynamic-security plugin need cJSON; a static broker cannot load plugins.
 * - asynchronous DNS for bridges (ADNS, glibc's libanl): bridges resolve
 *   their address synchronously instead.
 * Static glibc still resolves host names and user names through /etc/hosts,
 * DNS and /etc/passwd (glibc 2.34 and later have the files and dns sources in
 * libc itself); other NSS sources (LDAP, systemd's) are not available.
 */
import type { Target } from '../../../targets/types.ts';

/** Debian release whose sources are compiled: the one the other targets' binaries come from. */
export const sourcePackageRelease = 'bookworm';

/** Which build produces a package's files: one build may serve several packages of a source. */
export type SourceBuild = 'mosquitto' | 'busybox';

/** One file a package installs: the build's output (path relative to the build) or text of the source tree. */
export interface InstalledFile {
  /** Path in the image, as Debian's package has it. */
  path: string;
  mode: number;
  /** The build's output file, relative to its build folder. */
  built?: string;
  /** A file of the unpacked source tree (Debian's own configuration), relative to it. */
  fromSource?: string;
}

/** A Debian binary package imago builds from its source package. */
export interface SourceBuiltPackage {
  /** Debian binary package name, as a spec's `packages:` lists it. */
  name: string;
  /** Debian source package it comes from. */
  source: string;
  build: SourceBuild;
  files: readonly InstalledFile[];
  /** Empty folders the package ships (Debian's `<package>.dirs`). */
  dirs: readonly string[];
  /** System users the package's postinst creates (plan/package-users.ts makes them). */
  users: readonly string[];
  /** Features Debian's build has that this one lacks, for the manifest. */
  without: readonly string[];
}

const mosquittoWithout = ['tls', 'websockets', 'systemd', 'libwrap', 'dlt', 'cjson', 'plugins', 'mosquitto_passwd', 'mosquitto_ctrl'];

const table: readonly SourceBuiltPackage[] = [
  {
    name: 'busybox-static',
    source: 'busybox',
    build: 'busybox',
    files: [{ path: '/bin/busybox', mode: 0o755, built: 'busybox' }],
    dirs: [],
    users: [],
    without: [],
  },
  {
    name: 'mosquitto',
    source: 'mosquitto',
    build: 'mosquitto',
    files: [
      { path: '/usr/sbin/mosquitto', mode: 0o755, built: 'src/mosquitto' },
      { path: '/etc/mosquitto/mosquitto.conf', mode: 0o644, fromSource: 'debian/mosquitto.conf' },
    ],
    dirs: ['/etc/mosquitto/conf.d', '/var/lib/mosquitto', '/var/log/mosquitto'],
    users: ['mosquitto'],
    without: mosquittoWithout,
  },
  {
    name: 'mosquitto-clients',
    source: 'mosquitto',
    build: 'mosquitto',
    files: ['pub', 'sub', 'rr'].map((name) => ({ path: `/usr/bin/mosquitto_${name}`, mode: 0o755, built: `client/mosquitto_${name}` })),
    dirs: [],
    users: [],
    without: ['tls', 'cjson'],
  },
];

/** The package `name` when imago can build it from source, else undefined. */
export function sourceBuiltPackage(name: string): SourceBuiltPackage | undefined {
  return table.find((pkg) => pkg.name === name);
}

/** The names `packages:` may list on a target without Debian binaries, sorted. */
export function sourceBuiltPackageNames(): string[] {
  return table.map((pkg) => pkg.name).sort();
}

/** The targets this table is for: those Debian 12 has no binary packages for. */
export function needsSourcePackages(target: Pick<Target, 'debianArch'>): boolean {
  return !target.debianArch;
}

/**
 * make's variables for mosquitto's own Makefile (config.mk): the cross
 * compiler, static linking and every feature above off. `buildDir` is the
 * copy being built, mapped away in debugging and assert strings so no build
 * path reaches the output.
 */
export function mosquittoMakeVariables(target: Pick<Target, 'triplet' | 'cflags'>, buildDir: string): string[] {
  return [
    `CC=${target.triplet}-gcc`,
    `CFLAGS=-O2 -Wall -ffile-prefix-map=${buildDir}=mosquitto ${target.cflags.join(' ')}`.trim(),
    'LDFLAGS=-static',
    'WITH_TLS=no',
    'WITH_TLS_PSK=no',
    'WITH_EC=no',
    'WITH_CJSON=no',
    'WITH_WEBSOCKETS=no',
    'WITH_SYSTEMD=no',
    'WITH_WRAP=no',
    'WITH_DLT=no',
    'WITH_SRV=no',
    'WITH_ADNS=no',
    'WITH_DOCS=no',
    'WITH_SHARED_LIBRARIES=no',
    'WITH_STATIC_LIBRARIES=yes',
    'WITH_BUNDLED_DEPS=yes',
    'WITH_STRIP=no',
  ];
}

/**
 * The make runs, in order: the static client library, the clients linked
 * against it (Makefile targets static_*), then the broker. Each is
 * `make -C <dir> <goals>`.
 */
export const mosquittoMakeSteps: readonly { dir: string; goals: readonly string[] }[] = [
  { dir: 'lib', goals: ['libmosquitto.a'] },
  { dir: 'client', goals: ['static_pub', 'static_sub', 'static_rr'] },
  { dir: 'src', goals: ['mosquitto'] },
];

/** The files one build of `build` leaves, relative to its folder: what the packages of that build install. */
export function builtOutputs(build: SourceBuild): string[] {
  return [...new Set(table.filter((pkg) => pkg.build === build).flatMap((pkg) => pkg.files.flatMap((file) => (file.built ? [file.built] : []))))].sort();
}

/** Text that changes whenever the mosquitto recipe does: part of its cache key. */
export function mosquittoRecipeFingerprint(target: Pick<Target, 'triplet' | 'cflags'>): string {
  return JSON.stringify({ variables: mosquittoMakeVariables(target, 'BUILD'), steps: mosquittoMakeSteps, outputs: builtOutputs('mosquitto') });
}
