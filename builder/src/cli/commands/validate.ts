import { SpecError } from '../../errors.ts';
import { loadSpec } from '../../spec/load.ts';

/** `imago validate SPEC...`: prints "FILE: ok" or every problem; throws SpecError when any spec is invalid. */
export async function validateCommand(files: string[]): Promise<void> {
  const problems = [];
  for (const file of files) {
    const loaded = await loadSpec(file);
    if (loaded.problems.length === 0) process.stdout.write(`${file}: ok\n`);
    problems.push(...loaded.problems);
  }
  if (problems.length > 0) throw new SpecError(problems);
}
