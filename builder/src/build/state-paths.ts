/**
 * Checks, once the image tree is planned, that every `state:` folder is a
 * folder of the image: the init copies its content into the state folder and
 * bind-mounts that over it, and a bind mount needs a folder to land on. A
 * spec naming /etc/ssh without openssh-server is otherwise valid and only
 * fails at boot. Pure.
 *
 *   statePathProblems(spec, tree);   // [{ path: ['state', 0, 'path'], message: '"/etc/ssh" is not in the image; ...' }]
 */
import type { UnlocatedProblem } from '../spec/problem.ts';
import type { Spec } from '../spec/schema.ts';
import { resolvePath } from '../tree/resolve-path.ts';
import type { Tree } from '../tree/tree.ts';

/** Every `state:` entry whose path is missing from the image or is not a folder there. */
export function statePathProblems(spec: Spec, tree: Tree): UnlocatedProblem[] {
  return (spec.state ?? []).flatMap(({ path }, i): UnlocatedProblem[] => {
    const resolved = resolvePath(tree, path);
    const at = ['state', i, 'path'];
    if ('missing' in resolved) {
      return [{ path: at, message: `"${path}" is not in the image; add the package that ships it under packages:, or create it with files: (directory: true)` }];
    }
    if (resolved.found.kind !== 'dir') return [{ path: at, message: `"${path}" is a ${resolved.found.kind} in the image, expected a folder: a state folder is mounted over it` }];
    return [];
  });
}
