/**
 * Reads a spec file from disk and validates it, including the checks that need
 * the file system (source files, key files and kernel fragments, relative to
 * the spec: see referenced-files.ts).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { privateKeyWarnings } from './key-files.ts';
import { parseSpec } from './parse.ts';
import { readSpecFile } from './read-spec-file.ts';
import { accountWarnings, referencedFileProblems } from './referenced-files.ts';
import type { Spec } from './schema.ts';
import type { SpecProblem, UnlocatedProblem } from './problem.ts';

export interface LoadedSpec {
  spec?: Spec;
  problems: SpecProblem[];
  /** Things the build goes on with but a user should hear about (world-readable private keys). */
  warnings: SpecProblem[];
  /** The spec's path as given, used in messages. */
  file: string;
  /** The folder relative `source:` paths start from. */
  dir: string;
  /** The spec's bytes, hashed into the manifest. */
  text: string;
  /** Locates problems found later in the build (e.g. unknown users) at their YAML nodes. */
  locate: (problem: UnlocatedProblem) => SpecProblem;
}

/** Loads and validates a spec file; never throws for a bad spec, only returns problems. */
export async function loadSpec(file: string): Promise<LoadedSpec> {
  const dir = dirname(resolve(file));
  const read = await readSpecFile(file);
  if (read.problem !== undefined) {
    const problem = { file, line: 0, column: 0, path: '', message: read.problem };
    return { file, dir, text: '', problems: [problem], warnings: [], locate: () => problem };
  }
  const { text } = read;
  const { spec, problems, locate } = parseSpec(text, file);
  if (!spec) return { file, dir, text, problems, warnings: [], locate };
  const located = (await referencedFileProblems(spec, dir)).map(locate);
  if (located.length > 0) return { file, dir, text, problems: located, warnings: [], locate };
  const readSource = (source: string) => readFile(resolve(dir, source), 'utf8').catch(() => undefined);
  const warnings = [...(await privateKeyWarnings(spec, readSource)), ...(await accountWarnings(spec, dir))].map(locate);
  return { spec, file, dir, text, problems, warnings, locate };
}
