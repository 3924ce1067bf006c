/**
 * The root filesystem of a container image built from Debian packages, planned
 * from the unpacked packages and the container's spec entry. Pure, like
 * plan-tree.ts: every byte arrives as an argument.
 *
 *   const { tree, user, problems } = planContainerTree(spec.containers[0], 0, packageEntries, sources);
 */
import type { MasterFiles } from '../plan/base-accounts.ts';
import { addAccountFiles, planAccounts } from '../plan/image-accounts.ts';
import { addSpecFiles } from '../plan/spec-files.ts';
import { UserDatabase } from '../plan/users.ts';
import type { UnlocatedProblem } from '../spec/problem.ts';
import type { ContainerSpec, Spec } from '../spec/schema.ts';
import { Tree, type Entry } from '../tree/tree.ts';

/** Documentation nobody reads on a device: left out, since every byte of an image lives in RAM several times. */
export const droppedPaths = ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/lintian'];

export interface ContainerTree {
  tree: Tree;
  /** The image's User as numeric `uid:gid`, or undefined for root. */
  user?: string;
  problems: UnlocatedProblem[];
}

/**
 * Packages (in the given order), then the accounts as in an image
 * (base-passwd's, the packages' sysusers.d files and package-users table
 * rows for `packageNames`, default the container's `packages`), /tmp, and
 * the container's `files`. Problem paths are relative to `containers[index]`.
 */
export function planContainerTree(
  container: ContainerSpec,
  index: number,
  packageEntries: readonly Entry[],
  sources: ReadonlyMap<number, Uint8Array>,
  accountInputs: { master?: MasterFiles; packageNames?: readonly string[] } = {},
): ContainerTree {
  const tree = new Tree();
  for (const entry of packageEntries) tree.add(entry);
  for (const path of droppedPaths) tree.remove(path);
  const packages = accountInputs.packageNames ?? container.packages ?? [];
  const accounts = planAccounts({ tree, master: accountInputs.master, packages, spec: {}, packagesPath: ['packages'] });
  addAccountFiles(tree, accounts.accounts);
  tree.mkdir('/tmp', 0o1777);
  tree.mkdir('/root', 0o700);

  const users = new UserDatabase(tree);
  const at = (problem: UnlocatedProblem): UnlocatedProblem => ({ ...problem, path: ['containers', index, ...problem.path] });
  const problems = [...accounts.problems, ...addSpecFiles(tree, { files: container.files } as Spec, sources, users)].map(at);
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

