/**
 * Adds the spec's `files` entries to the tree, after the packages, so a spec can
 * override any file a package ships. Pure: `source` files arrive as bytes.
 */
import type { Spec } from '../spec/schema.ts';
import type { UnlocatedProblem } from '../spec/problem.ts';
import { bytes, type Tree } from '../tree/tree.ts';
import type { UserDatabase } from './users.ts';

/**
 * @param sources the bytes of each `source:` file, by index into `spec.files`
 * @returns problems (unknown owners), located by spec path
 */
export function addSpecFiles(tree: Tree, spec: Spec, sources: ReadonlyMap<number, Uint8Array>, users: UserDatabase): UnlocatedProblem[] {
  const problems: UnlocatedProblem[] = [];
  (spec.files ?? []).forEach((file, i) => {
    let uid = 0;
    let gid = 0;
    try {
      ({ uid, gid } = users.resolve(file.owner));
    } catch (error) {
      problems.push({ path: ['files', i, 'owner'], message: (error as Error).message });
    }
    if (file.directory) {
      tree.add({ path: file.path, kind: 'dir', mode: file.mode ?? 0o755, uid, gid });
    } else if (file.symlink !== undefined) {
      tree.add({ path: file.path, kind: 'symlink', mode: 0o777, uid, gid, target: file.symlink });
    } else {
      const data = file.contents !== undefined ? bytes(file.contents) : sources.get(i);
      if (!data) throw new Error(`files[${i}]: the bytes of ${file.source} were not loaded`);
      tree.add({ path: file.path, kind: 'file', mode: file.mode ?? 0o644, uid, gid, data });
    }
  });
  return problems;
}
