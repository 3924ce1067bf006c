import { SpecError } from '../../errors.ts';
import { loadSpec } from '../../spec/load.ts';
import { renderWarning } from '../../spec/problem.ts';

/** `imago validate SPEC...`: prints "FILE: ok" or every problem, and any warnings; throws SpecError when any spec is invalid. */
export async function validateCommand(files: string[]): Promise<void> {
  const problems = [];
  for (const file of files) {
    const loaded = await loadSpec(file);
    for (const warning of loaded.warnings) process.stderr.write(`${renderWarning(warning)}\n`);
    if (loaded.problems.length === 0) process.stdout.write(`${file}: ok\n`);
    problems.push(...loaded.problems);
  }
  if (problems.length > 0) throw new SpecError(problems);
}
