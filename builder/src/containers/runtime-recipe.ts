/**
 * What imago compiles for containers where Debian has no binaries (mips,
 * mips64), or where the spec asks (`container_runtime: { from_source: true }`),
 * and how: the programs of Debian 12's containerd and
 * golang-github-containernetworking-plugins source packages that an image
 * runs, the Go environment for each target, and where each binary goes in the
 * image (Debian's own paths, so everything else in builder/src/containers/
 * works unchanged). The OCI runtime beside them is crun, compiled from C
 * (crun/crun-recipe.ts). Pure; runtime-from-source.ts runs it.
 *
 * Findings behind the recipe (Debian 12, checked with apt-cache showsrc):
 * - containerd 1.6.20~ds1-1+deb12u3 and golang-github-containernetworking-plugins
 *   1.1.1+ds1-3 are "+ds" sources: upstream's vendor/ is gone (containerd
 *   keeps a few packages Debian does not ship), and the Build-Depends list ~80
 *   architecture-independent golang-*-dev packages with the Go source under
 *   /usr/share/gocode/src. All are plain Debian 12 packages, so the build
 *   downloads them like any .deb (no root, no apt-get install on the host)
 *   together with golang-1.19-go, the compiler Debian built them with
 *   (golang-any = golang-1.19 in 12).
 * - Layout as dh-golang's: the source is copied to GOPATH/src/<import path>,
 *   GOPATH=<that>:<unpacked>/usr/share/gocode, GO111MODULE=off.
 * - GOARCH=mips with GOMIPS=hardfloat, GOARCH=mips64 with GOMIPS64=hardfloat:
 *   the 24Kf has an FPU, the 5KEc has none but kernel-config/mips64.config
 *   sets CONFIG_MIPS_FP_SUPPORT, whose emulator runs the FP instructions.
 * - containerd (with ctr in the same program, ctr-in-containerd.ts), its v2
 *   shim and the CNI plugins are pure Go with
 *   CGO_ENABLED=0 and the tags that drop cgo and unused parts: no_btrfs (cgo),
 *   no_devmapper, no_zfs, no_aufs (snapshotters the configuration disables
 *   anyway, runtime-files.ts), no_cri (Kubernetes' CRI, also disabled: a
 *   third of containerd's build time), plus Debian's static tags osusergo
 *   netgo. Static by construction.
 * - The OCI runtime is crun, not runc: runc is Go too, and starting one
 *   container runs it three times (create, the `runc init` it re-executes in
 *   the container's namespaces, start), each paying the Go runtime's start;
 *   on x86_64 under emulation crun took the broker from `ctr run` to ready in
 *   1.3 s where runc took 3.7 s. It is also 1.6 MB against runc's 10, and
 *   needs no cgo (runc's nsenter does). ctr names it with --runc-binary.
 * - Reproducible: -trimpath, -buildid= and -s -w (Debian strips too), no
 *   dates anywhere; the version strings are Debian's (as debian/rules sets
 *   them), the toolchain and every input are pinned in the cache key.
 */
import type { Target } from '../../../targets/types.ts';
import { ctrInContainerdFile, ctrInContainerdSource, ctrName } from './ctr-in-containerd.ts';

/** Debian release whose sources are compiled: the one the other architectures' binaries come from. */
export const runtimeSourceRelease = 'bookworm';

/** One `go build` of some commands of a Debian source package. */
export interface GoProgramSet {
  /** Debian source package. */
  source: string;
  /** Go import path the source tree is placed at in the GOPATH (dh-golang's DH_GOPKG). */
  importPath: string;
  /** Packages to build, relative to the source tree; each makes a binary named after its folder. */
  commands: string[];
  tags: string[];
  /** `-X` settings, given the upstream and full Debian version of the source. */
  versionFlags(upstream: string, debian: string): string[];
  /** Where each built binary (by command folder name) goes in the image. */
  installTo: string;
  /** Files imago adds to the source tree before the build (path relative to it). */
  addFiles?: { path: string; contents: string }[];
  /** Symlinks beside the binaries, in `installTo`: name to the binary it runs. */
  links?: { name: string; target: string }[];
}

const containerdPkg = 'github.com/containerd/containerd';
const pluginsPkg = 'github.com/containernetworking/plugins';

/** The programs an image with containers runs; the CNI plugins only with private networks. */
export function runtimePrograms(options: { privateNetwork: boolean }): GoProgramSet[] {
  const sets: GoProgramSet[] = [
    {
      source: 'containerd',
      importPath: containerdPkg,
      // ctr is in containerd's program (ctr-in-containerd.ts says why and how).
      commands: ['cmd/containerd', 'cmd/containerd-shim-runc-v2'],
      tags: ['no_aufs', 'no_btrfs', 'no_cri', 'no_devmapper', 'no_zfs', 'netgo', 'osusergo', 'static_build'],
      versionFlags: (upstream, debian) => [`${containerdPkg}/version.Version=${upstream}`, `${containerdPkg}/version.Revision=${debian}`],
      installTo: '/usr/bin',
      addFiles: [{ path: ctrInContainerdFile, contents: ctrInContainerdSource }],
      links: [{ name: ctrName, target: 'containerd' }],
    },
  ];
  if (options.privateNetwork) {
    sets.push({
      source: 'golang-github-containernetworking-plugins',
      importPath: pluginsPkg,
      commands: ['plugins/main/bridge', 'plugins/ipam/host-local', 'plugins/main/loopback'],
      tags: [],
      versionFlags: (upstream) => [`${pluginsPkg}/pkg/utils/buildversion.BuildVersion=${upstream}`],
      installTo: '/usr/lib/cni',
    });
  }
  return sets;
}

/** The binary name `go build -o <dir>/` gives a command: its folder's name. */
export function commandBinary(command: string): string {
  return command.split('/').pop()!;
}

/**
 * GOARCH and its variant for each target, as Debian's Go builds for the
 * matching Debian architecture (i386 with SSE2, as targets/i386.ts compiles
 * C; ARMv7 with VFPv3; the baseline x86-64).
 */
const goTargets: Readonly<Record<string, Record<string, string>>> = {
  x86_64: { GOARCH: 'amd64', GOAMD64: 'v1' },
  i386: { GOARCH: '386', GO386: 'sse2' },
  armv7: { GOARCH: 'arm', GOARM: '7' },
  aarch64: { GOARCH: 'arm64' },
  mips: { GOARCH: 'mips', GOMIPS: 'hardfloat' },
  mipsel: { GOARCH: 'mipsle', GOMIPS: 'hardfloat' },
  mips64: { GOARCH: 'mips64', GOMIPS64: 'hardfloat' },
  mips64el: { GOARCH: 'mips64le', GOMIPS64: 'hardfloat' },
};

/** GOARCH and its variant setting for `target`; throws naming the targets Go builds for. */
export function goTargetEnv(target: Pick<Target, 'name'>): Record<string, string> {
  const env = goTargets[target.name];
  if (!env) throw new Error(`no Go target for ${JSON.stringify(target.name)}: expected one of ${Object.keys(goTargets).join('|')}`);
  return env;
}

/** Debian's DEB_VERSION_UPSTREAM: `1:1.6.20~ds1-1+deb12u3` gives `1.6.20~ds1`. */
export function upstreamVersion(debianVersion: string): string {
  return debianVersion.replace(/^\d+:/, '').replace(/-[^-]+$/, '');
}

/** The -ldflags of one set: stripped, no build id, Debian's version strings. */
export function goLdflags(set: GoProgramSet, debianVersion: string): string {
  return ['-s', '-w', '-buildid=', ...set.versionFlags(upstreamVersion(debianVersion), debianVersion).map((setting) => `-X ${setting}`)].join(' ');
}

/** Text that changes whenever the recipe for `target` does: part of the cache key. */
export function recipeFingerprint(target: Pick<Target, 'name'>, sets: readonly GoProgramSet[]): string {
  return JSON.stringify({
    env: goTargetEnv(target),
    sets: sets.map((set) => ({ ...set, versionFlags: set.versionFlags('UPSTREAM', 'DEBIAN') })),
  });
}
