/**
 * The plan step for containers: containerd's configuration, the boot helpers
 * the private network and the stored OCI archives go into the tree; the v1
 * shims come out. Pure.
 */
import { bytes, type Tree } from '../tree/tree.ts';
import { unusedContainerdFiles } from './host-support.ts';
import type { StoredImage } from './image-containers.ts';
import { containerdConfigPath, importScriptPath, runScriptPath } from './names.ts';
import { addPrivateNetwork } from './private-network.ts';
import { containerdConfig, hostsFile, importScript, runContainerScript } from './runtime-files.ts';

/**
 * Adds containerd's runtime files and `images` to `tree`, and the private
 * network's when `privateNetwork`; call only for a spec that uses containers.
 */
export function addContainerRuntime(tree: Tree, images: readonly StoredImage[], privateNetwork: boolean): void {
  if (privateNetwork) addPrivateNetwork(tree);
  for (const path of unusedContainerdFiles) tree.remove(path);
  if (!tree.has('/etc/hosts')) tree.add({ path: '/etc/hosts', kind: 'file', mode: 0o644, data: bytes(hostsFile) });
  tree.add({ path: containerdConfigPath, kind: 'file', mode: 0o644, data: bytes(containerdConfig()) });
  tree.add({ path: importScriptPath, kind: 'file', mode: 0o755, data: bytes(importScript(images)) });
  tree.add({ path: runScriptPath, kind: 'file', mode: 0o755, data: bytes(runContainerScript()) });
  for (const image of images) tree.add({ path: image.path, kind: 'file', mode: 0o644, data: image.archive });
}
