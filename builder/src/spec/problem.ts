/** A problem found in a spec, located at a YAML node: `FILE:LINE:COL: path: message`. */
export interface SpecProblem {
  file: string;
  line: number;
  column: number;
  /** The spec path in the dotted/indexed form users read, e.g. `services[2].restart`; '' for the whole spec. */
  path: string;
  message: string;
}

/** A problem before it is located: the path as keys and indexes. */
export interface UnlocatedProblem {
  path: (string | number)[];
  message: string;
  /** Point at the mapping key rather than the value (e.g. for an unknown field). */
  atKey?: boolean;
}

/** `services[2].restart` from `['services', 2, 'restart']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    // A key is as long as the user made it; a path line should still fit on a screen.
    const key = String(part).length > 80 ? `${String(part).slice(0, 77)}…` : String(part);
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? key : `.${key}`;
  }
  return text;
}

/** A warning as one line, like a problem with "warning: " before its message. */
export function renderWarning(warning: SpecProblem): string {
  return renderProblem({ ...warning, message: `warning: ${warning.message}` });
}

/** One line per problem, the way compilers print them, so editors can jump to the place. */
export function renderProblem(problem: SpecProblem): string {
  // Line 0 means the problem is with the file as a whole (e.g. it cannot be read).
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return problem.path ? `${where}: ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}
