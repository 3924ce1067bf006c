/**
 * How imago compiles OpenSSL from Debian 12's `openssl` source for a target:
 * static libcrypto.a and libssl.a and their headers, for programs imago links
 * statically (mosquitto, build-mosquitto.ts). Pure; build-openssl.ts runs it.
 *
 *   opensslConfigureArgs(mips);   // ['linux-mips32', '--cross-compile-prefix=mips-linux-gnu-', 'no-shared', ...]
 *
 * The libraries are built without what a static TLS endpoint on a small
 * device has no use for, the way OpenWrt trims its OpenSSL: every algorithm
 * the default provider has is linked into every program (the provider refers
 * to all of them), so each one left out is bytes saved three or four times
 * over in an image. Out: shared libraries and loadable modules (a static
 * program cannot load them; the default provider is built in), engines, the
 * legacy provider, compression, SSLv3 and DTLS, binary-field curves, and the
 * national and rare ciphers and digests listed in `opensslDisabled`. In:
 * TLS 1.2 and 1.3 with AES-GCM, ChaCha20-Poly1305 and AES-CBC, RSA, ECDSA and
 * Ed25519, ECDHE and DHE, PSK, SHA-1/2/3, X.509 with OCSP, PKCS#8/#12 keys,
 * as Debian's libssl3 serves a TLS client or server. Sections are garbage
 * collected at link time (`-ffunction-sections -fdata-sections`, the
 * program's `-Wl,--gc-sections`). `openssldir` is Debian's /usr/lib/ssl, so a
 * program that reads OpenSSL's configuration or default CA path looks where
 * a Debian system keeps them.
 */
import type { Target } from '../../../targets/types.ts';

/** Debian release whose openssl source is compiled (the one the other packages come from). */
export const opensslRelease = 'bookworm';

/** OpenSSL's own name (its Configure target) for each architecture imago builds for. */
const configureTargets: Readonly<Record<string, string>> = {
  x86_64: 'linux-x86_64',
  i386: 'linux-elf',
  armv7: 'linux-armv4',
  aarch64: 'linux-aarch64',
  mips: 'linux-mips32',
  mipsel: 'linux-mips32',
  mips64: 'linux64-mips64',
  mips64el: 'linux64-mips64',
};

/** What OpenSSL is built without (see above). */
export const opensslDisabled = [
  // Build and loading.
  'shared', 'module', 'engine', 'legacy', 'dso', 'tests', 'autoload-config',
  // Protocols and features a device's MQTT or HTTPS endpoint does not speak.
  'comp', 'ssl3', 'dtls', 'srp', 'srtp', 'ct', 'cms', 'ts', 'ec2m',
  // Ciphers and digests no TLS 1.2/1.3 suite in use needs.
  'aria', 'bf', 'blake2', 'camellia', 'cast', 'des', 'idea', 'md4', 'mdc2', 'ocb', 'rc2', 'rc4', 'rc5', 'rmd160', 'scrypt', 'seed', 'siphash', 'siv', 'sm2', 'sm3', 'sm4', 'whirlpool',
] as const;

/** Compiler flags added to OpenSSL's, so the program's linker can drop what it does not call. */
export const opensslSectionFlags = ['-ffunction-sections', '-fdata-sections'] as const;

/** OpenSSL's Configure target for `target`; throws naming the ones it knows. */
export function opensslConfigureTarget(target: Pick<Target, 'name'>): string {
  const name = configureTargets[target.name];
  if (!name) throw new Error(`no OpenSSL Configure target for ${JSON.stringify(target.name)}: expected one of ${Object.keys(configureTargets).join('|')}`);
  return name;
}

/**
 * Configure's arguments. No build path in them: OpenSSL records its
 * configuration in the library (`OpenSSL_version(OPENSSL_CFLAGS)`), and the
 * in-tree build compiles relative paths, so the output does not depend on
 * where it was built.
 */
export function opensslConfigureArgs(target: Pick<Target, 'name' | 'triplet' | 'cflags'>): string[] {
  return [
    opensslConfigureTarget(target),
    `--cross-compile-prefix=${target.triplet}-`,
    '--prefix=/usr',
    '--openssldir=/usr/lib/ssl',
    '--libdir=lib',
    ...opensslDisabled.map((feature) => `no-${feature}`),
    ...opensslSectionFlags,
    ...target.cflags,
  ];
}

/** The make goal that builds the two libraries (and the generated headers) but no programs or documentation. */
export const opensslMakeGoal = 'build_libs';

/** The static libraries a build leaves at the top of its tree, in link order. */
export const opensslLibraries = ['libssl.a', 'libcrypto.a'] as const;

/** Text that changes whenever the recipe does: part of the cache key. */
export function opensslRecipeFingerprint(target: Pick<Target, 'name' | 'triplet' | 'cflags'>): string {
  return JSON.stringify({ configure: opensslConfigureArgs(target), goal: opensslMakeGoal, libraries: opensslLibraries });
}
