/**
 * The Debian packages imago compiles itself for container images: on targets
 * Debian 12 has no binaries for (mips, mips64), and wherever a container asks
 * for `from_source` (a static program is a fraction of Debian's binary and the
 * libraries it links). Which source package each comes from, how it is built,
 * which files it installs at Debian's paths and which accounts it needs.
 * `packages:` of such a container may name only these. Pure;
 * build-source-packages.ts runs it.
 *
 *   sourceBuiltPackage('mosquitto-clients')?.files;   // mosquitto_pub, mosquitto_sub, mosquitto_rr at /usr/bin
 *   sourceBuiltPackageNames();                         // ['busybox-static', 'mosquitto', 'mosquitto-clients']
 *
 * mosquitto (Debian 12: 2.0.11-1.2+deb12u2) is built with its own Makefile
 * rather than Debian's CMake: the CMake project enables C++ (for
 * libmosquittopp, which nothing here needs) and Debian has no C++ cross
 * compiler in the toolchain imago installs. Everything is linked statically
 * against glibc and OpenSSL (compiled from Debian's source too,
 * openssl/openssl-recipe.ts), so an image holds the programs and nothing
 * else. TLS, TLS-PSK and elliptic curves are on, as in Debian's build. What
 * is off and why (Debian's build has each of these on):
 * - websockets (libwebsockets), systemd notification (libsystemd; a container
 *   has no systemd), TCP wrappers (libwrap), DLT logging (libdlt): none has
 *   a use in a container, and each would be one more library to cross-build.
 * - cJSON: only the dynamic-security plugin and the clients' JSON output
 *   (`-F %j`, `-F %J`) use it, and neither is built here.
 * - apps and plugins: mosquitto_ctrl and the dynamic-security plugin need
 *   cJSON; a static broker cannot load plugins; mosquitto_passwd is not built
 *   (make password files on the build host and add them with `files:`).
 * - asynchronous DNS for bridges (ADNS, glibc's libanl): bridges resolve
 *   their address synchronously instead.
 * Static glibc still resolves host names and user names through /etc/hosts,
 * DNS and /etc/passwd (glibc 2.34 and later have the files and dns sources in
 * libc itself); other NSS sources (LDAP, systemd's) are not available.
 */
import { dirname } from 'node:path';
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

const mosquittoWithout = ['websockets', 'systemd', 'libwrap', 'dlt', 'cjson', 'plugins', 'mosquitto_passwd', 'mosquitto_ctrl'];

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
    without: ['cjson'],
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

/** Whether a container's packages are compiled from source for `target`: asked for, or Debian 12 has no binaries there. */
export function buildsFromSource(container: { from_source?: boolean }, target: Pick<Target, 'debianArch'>): boolean {
  return container.from_source === true || !target.debianArch;
}

/** Where the static OpenSSL mosquitto links lives, and what it needs linked after it. */
export interface OpensslForLink {
  includeDir: string;
  libDir: string;
  extraLibs: readonly string[];
}

/**
 * make's variables for mosquitto's own Makefile (config.mk): the cross
 * compiler, static linking against `openssl`, and every feature above off.
 * `buildDir` (the copy being built) and OpenSSL's folder are mapped away in
 * debugging and assert strings so no build path reaches the output. OpenSSL's
 * own needs (e.g. -latomic on 32-bit targets) go after the libraries: LDADD
 * for the broker, CLIENT_STATIC_LDADD for the clients.
 */
export function mosquittoMakeVariables(target: Pick<Target, 'triplet' | 'cflags'>, buildDir: string, openssl: OpensslForLink): string[] {
  const opensslRoot = dirname(openssl.includeDir);
  return [
    `CC=${target.triplet}-gcc`,
    `CFLAGS=-O2 -Wall -ffunction-sections -fdata-sections -ffile-prefix-map=${buildDir}=mosquitto -ffile-prefix-map=${opensslRoot}=openssl -I${openssl.includeDir} ${target.cflags.join(' ')}`.trim(),
    // --gc-sections: OpenSSL is compiled with a section per function, so only what mosquitto calls is linked.
    `LDFLAGS=-static -Wl,--gc-sections -L${openssl.libDir}`,
    `LDADD=${openssl.extraLibs.join(' ')}`,
    `CLIENT_STATIC_LDADD=${openssl.extraLibs.join(' ')}`,
    'WITH_TLS=yes',
    'WITH_TLS_PSK=yes',
    'WITH_EC=yes',
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

/** Text that changes whenever the mosquitto recipe does: part of its cache key (with OpenSSL's version and recipe). */
export function mosquittoRecipeFingerprint(target: Pick<Target, 'triplet' | 'cflags'>, openssl: Pick<OpensslForLink, 'extraLibs'>): string {
  const variables = mosquittoMakeVariables(target, 'BUILD', { includeDir: 'OPENSSL/include', libDir: 'OPENSSL/lib', extraLibs: openssl.extraLibs });
  return JSON.stringify({ variables, steps: mosquittoMakeSteps, outputs: builtOutputs('mosquitto') });
}
