/**
 * Checks, once the image tree is planned, that every native service and
 * onboot command that names an absolute program finds it in the image, as a
 * regular executable file. A spec with `command: /sbin/getty` (BusyBox has it
 * in /bin) is otherwise valid and builds, and only fails at boot. Pure.
 *
 *   commandPathProblems(spec, tree);   // [{ path: ['services', 0, 'command'], message: 'service "tty": "/sbin/getty" is not in the image; ...' }]
 */
import { dataMount } from '../../../contract/index.ts';
import type { UnlocatedProblem } from '../spec/problem.ts';
import type { Spec } from '../spec/schema.ts';
import { resolvePath } from '../tree/resolve-path.ts';
import type { Tree } from '../tree/tree.ts';

/**
 * Folders that are empty in the image and filled at run time (tmpfs mounts,
 * the update data partition): a program there may be put there by an onboot
 * command, so the build cannot judge it.
 */
const runtimeFolders = ['/run', '/tmp', '/var', '/dev', '/proc', '/sys', dataMount];

/** Where a missing program might be instead: the usual bin folders. */
const binFolders = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];

/** Characters that make a shell word more than a plain path (expansions, quoting, operators). */
const shellSyntax = /[$`*?[\]{}()<>|;&'"\\~=]/;

/**
 * The programs a command runs that the build can know, with the spec path
 * (below `command`) to blame: argv[0], and for a shell string (which the
 * schema turned into `/bin/sh -c STRING`) its first word when that is a plain
 * absolute path. The shell form is blamed on `command` as a whole, since it
 * may have been written as one string.
 */
export function commandPrograms(argv: readonly string[]): { program: string; at: number[] }[] {
  const shell = argv.length === 3 && argv[0] === '/bin/sh' && argv[1] === '-c';
  const programs = [{ program: argv[0] ?? '', at: shell ? [] : [0] }];
  if (shell) programs.push({ program: argv[2]!.trim().split(/\s+/)[0] ?? '', at: [] });
  return programs.filter(({ program }) => program.startsWith('/') && !shellSyntax.test(program));
}

/** Every native service and onboot command whose program is absent, not a regular file, or not executable. */
export function commandPathProblems(spec: Spec, tree: Tree): UnlocatedProblem[] {
  const problems: UnlocatedProblem[] = [];
  const check = (kind: 'service' | 'onboot command', name: string, command: readonly string[] | undefined, path: (string | number)[]) => {
    for (const { program, at } of commandPrograms(command ?? [])) {
      if (runtimeFolders.some((folder) => program === folder || program.startsWith(`${folder}/`))) continue;
      const problem = programProblem(tree, program);
      if (problem) problems.push({ path: [...path, ...at], message: `${kind} "${name}": ${problem}` });
    }
  };
  spec.onboot?.forEach((task, i) => check('onboot command', task.name, task.command, ['onboot', i, 'command']));
  // A container service's command runs inside its image, which is checked by containerd, not here.
  spec.services?.forEach((service, i) => service.image === undefined && check('service', service.name, service.command, ['services', i, 'command']));
  return problems;
}

/** What is wrong with `program` in the tree, or undefined when it is a regular executable file. */
function programProblem(tree: Tree, program: string): string | undefined {
  const resolved = resolvePath(tree, program);
  if ('missing' in resolved) {
    const where = resolved.loop ? `; /${resolved.missing} is a symlink loop` : resolved.missing === program.slice(1) ? '' : ` (/${resolved.missing} is missing)`;
    return `"${program}" is not in the image${where}${elsewhere(tree, program)}`;
  }
  const { found } = resolved;
  if (found.kind !== 'file') return `"${program}" is not a regular file in the image (it is a ${found.kind === 'dir' ? 'directory' : found.kind})`;
  if ((found.mode & 0o111) === 0) return `"${program}" is not executable in the image (mode ${found.mode.toString(8).padStart(4, '0')}); give it mode: "0755" under files:`;
  return undefined;
}

/** `; the image has getty at /bin/getty`, when a program of that name is in another bin folder. */
function elsewhere(tree: Tree, program: string): string {
  const name = program.slice(program.lastIndexOf('/') + 1);
  const found = binFolders.map((folder) => `${folder}/${name}`).filter((path) => path !== program && 'found' in resolvePath(tree, path));
  return found.length > 0 ? `; the image has ${name} at ${found.join(' and ')}` : '; add it with packages: or files:';
}
