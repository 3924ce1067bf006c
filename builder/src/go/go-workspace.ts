/**
 * A Go toolchain and GOPATH the way Debian builds its Go packages (dh-golang),
 * made of Debian 12's own .debs, unpacked into the cache without root:
 * golang-1.19-go for the host, and the architecture-independent `golang-*-dev`
 * packages a source package build-depends on (their Go source lives under
 * /usr/share/gocode/src). Debian's "+ds" sources have their vendored
 * dependencies removed, so these packages are what the build compiles against,
 * with GO111MODULE=off as dh-golang does.
 *
 *   const go = await openGoWorkspace(['containerd', 'golang-github-containernetworking-plugins'], { progress });
 *   go.goBinary;  // <cache>/go-workspace/<key>/usr/lib/go-1.19/bin/go
 *   go.gocode;    // <cache>/go-workspace/<key>/usr/share/gocode (second GOPATH entry)
 */
import { join } from 'node:path';
import type { Progress } from '../progress.ts';
import { aptCache } from '../debian/apt-state.ts';
import { findMissingPackages, resolvePackages } from '../debian/resolve.ts';
import { downloadPackages } from '../debian/download.ts';
import { openBinaryState, openSourceState } from '../debian/open-state.ts';
import { cacheKey, cacheRoot } from '../io/cache.ts';
import { cachedDir } from '../io/cached-dir.ts';
import { run } from '../io/exec.ts';
import { goBuildDependencies, reverseProvides } from './build-depends.ts';

/** Debian 12's Go, the one its containerd, runc and CNI plugins were built with. */
export const goPackage = 'golang-1.19-go';
const goRoot = 'usr/lib/go-1.19';

/** Bump when the unpack below changes. */
const recipeVersion = '1';

/** An unpacked Go toolchain with the Go source of some packages' build dependencies. */
export interface GoWorkspace {
  /** The `go` command; it finds its GOROOT next to itself. */
  goBinary: string;
  /** /usr/share/gocode of the unpacked packages: the GOPATH entry after the source being built. */
  gocode: string;
  /** `go1.19.8`: part of every cache key of what this workspace builds. */
  goVersion: string;
  /** name=version of every unpacked package, sorted: what the build compiled against. */
  packages: string[];
}

/** The Debian architecture of the build host, whose Go toolchain runs here. */
export function hostDebianArch(arch: string = process.arch): string {
  const names: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: 'i386', arm: 'armhf' };
  const name = names[arch];
  if (!name) throw new Error(`no Debian Go toolchain for a build host of Node architecture ${arch}: expected one of ${Object.keys(names).join('|')}`);
  return name;
}

/**
 * Returns the workspace for building `sources` (Debian source package names of
 * Debian 12), downloading and unpacking what is missing. Cached by the exact
 * .deb files, so a point release of any dependency makes a new one.
 */
export async function openGoWorkspace(sources: readonly string[], options: { progress: Progress }): Promise<GoWorkspace> {
  const { progress } = options;
  const arch = hostDebianArch();
  const wanted = new Set<string>([goPackage]);
  const sourceState = await openSourceState('bookworm', progress);
  for (const source of sources) {
    const { stdout } = await aptCache(sourceState, ['showsrc', '--only-source', source]);
    for (const name of goBuildDependencies(stdout.toString('utf8'))) wanted.add(name);
  }
  const names = await withProviders([...wanted].sort(), arch, progress);
  // The closure also holds C libraries and compilers (Recommends of the -dev packages); only Go is unpacked, so only Go is downloaded.
  const resolved = (await resolvePackages(names, arch, progress)).filter((pkg) => pkg.name.startsWith('golang-'));
  const key = cacheKey('go-workspace', recipeVersion, ...resolved.map((pkg) => pkg.sha256));
  const { dir, hit } = await cachedDir(join(cacheRoot(), 'go-workspace', key), async (work) => {
    const debs = await downloadPackages(resolved, arch, progress);
    progress.step(`unpack Go ${goPackage} and ${debs.length - 1} Go source packages`);
    let done = 0;
    for (const deb of debs) {
      await run('dpkg-deb', ['-x', deb.path, work]);
      progress.update(++done, debs.length, deb.name);
    }
    progress.done();
  });
  if (hit) {
    progress.step(`Go workspace (${resolved.length} packages) from the cache`);
    progress.done();
  }
  const goBinary = join(dir, goRoot, 'bin', 'go');
  const { stdout } = await run(goBinary, ['env', 'GOVERSION'], { env: goHostEnv() });
  return {
    goBinary,
    gocode: join(dir, 'usr/share/gocode'),
    goVersion: stdout.toString('utf8').trim(),
    packages: resolved.map((pkg) => `${pkg.name}=${pkg.version}`),
  };
}

/**
 * The environment every `go` run starts from: the host's PATH and HOME, and
 * nothing a developer's shell might have set for another Go (GOROOT, GOFLAGS,
 * GOPATH, proxies), so the result depends only on the arguments.
 */
export function goHostEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', LC_ALL: 'C' };
  return env;
}

/**
 * Build-Depends may name a virtual package (containerd's
 * golang-github-opencontainers-runtime-spec-dev is provided by
 * golang-github-opencontainers-specs-dev); apt installs its only provider,
 * and so does this.
 */
async function withProviders(names: string[], arch: string, progress: Progress): Promise<string[]> {
  const missing = new Set(await findMissingPackages(names, arch, progress));
  if (missing.size === 0) return names;
  const state = await openBinaryState(arch, progress);
  const resolved: string[] = [];
  for (const name of names) {
    if (!missing.has(name)) {
      resolved.push(name);
      continue;
    }
    const { stdout } = await aptCache(state, ['showpkg', name]);
    const providers = reverseProvides(stdout.toString('utf8'));
    if (providers.length !== 1) {
      throw new Error(`build dependency ${name} is not a Debian 12 package for ${arch}, and ${providers.length === 0 ? 'nothing provides it' : `several packages provide it (${providers.join(', ')})`}`);
    }
    resolved.push(providers[0]!);
  }
  return [...new Set(resolved)].sort();
}
