/**
 * The Debian userland of one image: the spec's packages plus BusyBox, unpacked
 * into a tree. Where Debian has no packages (mips, mips64) it is BusyBox alone,
 * compiled from Debian's source with the target's cross compiler, and, for a
 * spec with containers, containerd and crun compiled from Debian's sources
 * (with a private network, the CNI plugins and iptables too). A spec's
 * `container_runtime: { from_source: true }` gets the same compiled programs
 * on the other targets too, iptables included: no Debian package for them.
 */
import type { Target } from '../../../targets/types.ts';
import { buildBusybox } from '../busybox/build-busybox.ts';
import { containerHostPackages, runtimeFromSource } from '../containers/host-support.ts';
import { usesPrivateNetwork } from '../containers/private-network.ts';
import { buildIptables } from '../containers/iptables-from-source.ts';
import { buildContainerRuntime } from '../containers/runtime-from-source.ts';
import { unpackDeb } from '../debian/deb.ts';
import { fetchPackages } from '../debian/download.ts';
import { step } from '../errors.ts';
import { sha256 } from '../io/cache.ts';
import { packageNames } from '../spec/package-schema.ts';
import type { Spec } from '../spec/schema.ts';
import type { MasterFiles } from '../plan/base-accounts.ts';
import { Tree } from '../tree/tree.ts';
import { fetchBaseMasterFiles } from './base-passwd.ts';
import type { Manifest } from './manifest.ts';
import type { BuildOptions } from './options.ts';

/** Every Debian package an image needs: BusyBox plus the spec's, each once. */
export function imagePackages(spec: Spec): string[] {
  return [...new Set(['busybox-static', ...packageNames(spec.packages), ...containerHostPackages(spec)])];
}

/**
 * containerd, crun and the CNI plugins compiled from source, added where
 * Debian's packages put them, and for a private network iptables (the bridge
 * plugin runs it), with the legacy backend's links.
 */
async function addRuntimeFromSource(tree: Tree, spec: Spec, target: Target, options: BuildOptions, compile: <T>(job: () => Promise<T>) => Promise<T>): Promise<CompiledRuntime> {
  const privateNetwork = usesPrivateNetwork(spec);
  const runtime = await step(`build containerd and crun for ${target.name}`, () =>
    compile(() => buildContainerRuntime(target, { privateNetwork, progress: options.progress })),
  );
  const files = [...runtime.files];
  const links = [...runtime.links];
  const sources = [...runtime.sources];
  if (privateNetwork) {
    const iptables = await step(`build iptables for ${target.name}`, () => compile(() => buildIptables(target, { progress: options.progress })));
    files.push({ path: iptables.path, data: iptables.binary });
    links.push(...iptables.links);
    sources.push({ sourcePackage: iptables.sourcePackage, version: iptables.version });
  }
  for (const file of files) tree.add({ path: file.path, kind: 'file', mode: 0o755, data: file.data });
  for (const link of links) tree.add({ path: link.path, kind: 'symlink', mode: 0o777, target: link.target });
  return {
    manifest: { sources, go: runtime.goVersion, files: files.map((file) => ({ path: file.path, sha256: sha256(file.data) })) },
    ociRuntime: runtime.ociRuntime,
  };
}

/** What a compiled runtime adds besides its files: the manifest's record, and the OCI runtime ctr is to name. */
interface CompiledRuntime {
  manifest: NonNullable<Manifest['containerRuntime']>;
  ociRuntime: string;
}

/** The unpacked userland and what the manifest records about it. */
export interface ImageUserland {
  tree: Tree;
  /** base-passwd's master files; absent where Debian has no packages (the built-in copy serves, see plan/base-accounts.ts). */
  master?: MasterFiles;
  /** Every unpacked package's name, for the package-users table. */
  packageNames: string[];
  packages: Manifest['packages'];
  busybox?: Manifest['busybox'];
  containerRuntime?: Manifest['containerRuntime'];
  /** With a compiled runtime, the OCI runtime it brought (crun), for `ctr run --runc-binary`; Debian's runs its runc. */
  ociRuntime?: string;
}

/**
 * Downloads and unpacks the packages, or builds BusyBox (through `compile`,
 * one compile at a time across parallel builds) when the target has no
 * Debian architecture. Package availability was checked before.
 */
export async function imageUserland(spec: Spec, target: Target, options: BuildOptions, compile: <T>(job: () => Promise<T>) => Promise<T>): Promise<ImageUserland> {
  const { progress } = options;
  const tree = new Tree();
  if (!target.debianArch) {
    const busybox = await step(`build BusyBox for ${target.name}`, () => compile(() => buildBusybox(target, { progress })));
    tree.add({ path: '/bin/busybox', kind: 'file', mode: 0o755, data: busybox.binary });
    const compiled = runtimeFromSource(spec, target) ? await addRuntimeFromSource(tree, spec, target, options, compile) : undefined;
    return {
      tree,
      packages: [],
      packageNames: [],
      busybox: { sourcePackage: 'busybox', version: busybox.version, sha256: sha256(busybox.binary) },
      ...(compiled ? { containerRuntime: compiled.manifest, ociRuntime: compiled.ociRuntime } : {}),
    };
  }
  const arch = target.debianArch;
  const debs = await step(`download packages for ${target.name}`, () => fetchPackages(imagePackages(spec), arch, progress));
  await step('unpack packages', async () => {
    progress.step(`unpack ${debs.length} packages (${target.name})`);
    for (const deb of debs) await unpackDeb(deb.path, tree);
    progress.done();
  });
  const compiled = runtimeFromSource(spec, target) ? await addRuntimeFromSource(tree, spec, target, options, compile) : undefined;
  const base = await step(`get base-passwd for ${target.name}`, () => fetchBaseMasterFiles(arch, progress));
  // base-passwd is an input (its master files make /etc/passwd), so the manifest lists it even when it is not unpacked.
  const inputs = debs.some((deb) => deb.name === 'base-passwd') ? debs : [...debs, base.deb];
  return {
    tree,
    master: base.master,
    packageNames: debs.map((deb) => deb.name),
    packages: inputs.map(({ name, version, architecture, sha256: hash }) => ({ name, version, architecture, sha256: hash })),
    ...(compiled ? { containerRuntime: compiled.manifest, ociRuntime: compiled.ociRuntime } : {}),
  };
}
