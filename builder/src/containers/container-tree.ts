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
import { pathExcluder } from './exclude-paths.ts';
import { leanTree } from './lean-tree.ts';

/** Which package brought each package entry, for trimming to what the programs use (see lean-tree.ts). */
export interface PackageOwners {
  owners: ReadonlyMap<string, string>;
}

export interface ContainerTree {
  tree: Tree;
  /** The image's User as numeric `uid:gid`, or undefined for root. */
  user?: string;
  problems: UnlocatedProblem[];
}

/**
 * Packages (in the given order), then the accounts as in an image
 * (base-passwd's, the packages' sysusers.d files and package-users table
 * rows for `packageNames`, default the container's `packages`), then the
 * package files trimmed (the default and the container's `exclude` patterns;
 * with `owners`, dependencies' programs and libraries that no kept program
 * loads), /tmp, and the container's `files`, which are never trimmed.
 * Problem paths are relative to `containers[index]`. Throws when a kept
 * program's ELF headers are corrupt.
 */
export function planContainerTree(
  container: ContainerSpec,
  index: number,
  packageEntries: readonly Entry[],
  sources: ReadonlyMap<number, Uint8Array>,
  accountInputs: { master?: MasterFiles; packageNames?: readonly string[] } & Partial<PackageOwners> = {},
): ContainerTree {
  const tree = new Tree();
  for (const entry of packageEntries) tree.add(entry);
  const packages = accountInputs.packageNames ?? container.packages ?? [];
  // Accounts first: they read the packages' sysusers.d files, which the trimming then drops.
  const accounts = planAccounts({ tree, master: accountInputs.master, packages, spec: {}, packagesPath: ['packages'] });
  // Without owners every package file counts as wanted: the patterns apply, the linkage is not followed.
  const owners = accountInputs.owners ?? new Map(packageEntries.map((entry) => [entry.path, '']));
  const wanted = accountInputs.owners ? (container.packages ?? []) : [''];
  const roots = [...(container.entrypoint ?? container.cmd ?? []).slice(0, 1)].filter((path) => path.startsWith('/'));
  leanTree(tree, { owners, wanted, roots, excluded: pathExcluder(container.exclude ?? []) });
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

