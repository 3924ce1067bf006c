/**
 * The plan step for containers: containerd's configuration, the boot helpers,
 * the private network, the prepared root filesystems and the stored OCI
 * archives go into the tree; the v1 shims come out. Pure.
 */
import { bytes, type Tree } from '../tree/tree.ts';
import { unusedContainerdFiles } from './host-support.ts';
import type { PreparedImage, StoredImage } from './image-containers.ts';
import { addPreparedRootfs } from './prepared-rootfs.ts';
import { containerdConfigPath, importScriptPath, runScriptPath, startContainerdPath } from './names.ts';
import { addPrivateNetwork } from './private-network.ts';
import { containerdConfig, hostsFile, importScript, runContainerScript, startContainerdScript } from './runtime-files.ts';

/** What else an image's containers need besides containerd itself. */
export interface ContainerRuntimeNeeds {
  /** A service runs on the private network. */
  privateNetwork: boolean;
  /** The image has a data partition (update:), where containerd keeps its root. */
  dataPartition: boolean;
  /** The OCI runtime `ctr run` names instead of runc on the PATH, e.g. /usr/bin/crun. */
  runcBinary?: string;
}

/**
 * Adds containerd's runtime files, the archives of `images` with the script
 * that imports them (when there are any) and the root filesystems of
 * `prepared` to `tree`; call only for a spec that uses containers.
 */
export function addContainerRuntime(tree: Tree, images: readonly StoredImage[], needs: ContainerRuntimeNeeds, prepared: readonly PreparedImage[] = []): void {
  if (needs.privateNetwork) addPrivateNetwork(tree);
  if (needs.dataPartition) tree.add({ path: startContainerdPath, kind: 'file', mode: 0o755, data: bytes(startContainerdScript()) });
  for (const path of unusedContainerdFiles) tree.remove(path);
  if (!tree.has('/etc/hosts')) tree.add({ path: '/etc/hosts', kind: 'file', mode: 0o644, data: bytes(hostsFile) });
  tree.add({ path: containerdConfigPath, kind: 'file', mode: 0o644, data: bytes(containerdConfig()) });
  if (images.length > 0) tree.add({ path: importScriptPath, kind: 'file', mode: 0o755, data: bytes(importScript(images)) });
  tree.add({ path: runScriptPath, kind: 'file', mode: 0o755, data: bytes(runContainerScript({ persistentRoot: needs.dataPartition, runcBinary: needs.runcBinary })) });
  for (const image of images) tree.add({ path: image.path, kind: 'file', mode: 0o644, data: image.archive });
  const shared = new Map<string, string>();
  for (const image of prepared) addPreparedRootfs(tree, image, shared);
}
