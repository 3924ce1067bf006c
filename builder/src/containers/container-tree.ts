/**
 * The root filesystem of a container image built from Debian packages, planned
 * from the unpacked packages and the container's spec entry. Pure, like
 * plan-tree.ts: every byte arrives as an argument.
 *
 *   const { tree, user, problems } = planContainerTree(spec.containers[0], 0, packageEntries, sources);
 */
import { baseGroup, basePasswd } from '../plan/base-layout.ts';
import { addSpecFiles } from '../plan/spec-files.ts';
import { UserDatabase } from '../plan/users.ts';
import type { UnlocatedProblem } from '../spec/problem.ts';
import type { ContainerSpec, Spec } from '../spec/schema.ts';
import { bytes, Tree, type Entry } from '../tree/tree.ts';

/** Documentation nobody reads on a device: left out, since every byte of an image lives in RAM several times. */
export const droppedPaths = ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/lintian'];

export interface ContainerTree {
  tree: Tree;
  /** The image's User as numeric `uid:gid`, or undefined for root. */
  user?: string;
  problems: UnlocatedProblem[];
}

/**
 * Packages (in the given order), then the users and groups every image has
 * (unless a package ships its own files), /tmp, and the container's `files`.
 * Problem paths are relative to `containers[index]`.
 */
export function planContainerTree(container: ContainerSpec, index: number, packageEntries: readonly Entry[], sources: ReadonlyMap<number, Uint8Array>): ContainerTree {
  const tree = new Tree();
  for (const entry of packageEntries) tree.add(entry);
  for (const path of droppedPaths) tree.remove(path);
  if (!tree.has('/etc/passwd')) tree.add({ path: '/etc/passwd', kind: 'file', mode: 0o644, data: bytes(basePasswd) });
  if (!tree.has('/etc/group')) tree.add({ path: '/etc/group', kind: 'file', mode: 0o644, data: bytes(baseGroup) });
  tree.mkdir('/tmp', 0o1777);
  tree.mkdir('/root', 0o700);

  const users = new UserDatabase(tree);
  const at = (problem: UnlocatedProblem): UnlocatedProblem => ({ ...problem, path: ['containers', index, ...problem.path] });
  const problems = addSpecFiles(tree, { files: container.files } as Spec, sources, users).map(at);
  let user: string | undefined;
  if (container.user !== undefined) {
    try {
      const { uid, gid } = new UserDatabase(tree).resolve(container.user);
      user = `${uid}:${gid}`;
    } catch (error) {
      problems.push(at({ path: ['user'], message: (error as Error).message }));
    }
  }
  return { tree, user, problems };
}

