/**
 * Checks of the files a spec names, relative to the spec's folder as the
 * build reads them: `files[].source` must be a file, `update.keys` must be
 * imago public keys, `kernel.build.config` must be kernel config fragments.
 * They run in loadSpec, so `imago validate` reports a wrong path or a broken
 * key at its line instead of the build failing after minutes of compiling.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parsePublicKey } from '../bundle/keys.ts';
import { parseConfig } from '../kernel/config-fragment.ts';
import type { UnlocatedProblem } from './problem.ts';
import type { Spec } from './schema.ts';

/** Every problem with a file the spec names; `dir` is the spec's folder. */
export async function referencedFileProblems(spec: Spec, dir: string): Promise<UnlocatedProblem[]> {
  return [...(await sourceProblems(spec, dir)), ...(await keyProblems(spec, dir)), ...(await fragmentProblems(spec, dir))];
}

/** `files[].source` entries that are not readable regular files. */
async function sourceProblems(spec: Spec, dir: string): Promise<UnlocatedProblem[]> {
  const problems: UnlocatedProblem[] = [];
  for (const [index, file] of (spec.files ?? []).entries()) {
    if (!file.source) continue;
    const info = await stat(resolve(dir, file.source)).catch(() => undefined);
    if (!info?.isFile()) problems.push({ path: ['files', index, 'source'], message: `file "${file.source}" not found (relative to ${dir})` });
  }
  return problems;
}

/** `update.keys` entries that cannot be read or are not `ed25519 <hex>` lines. */
async function keyProblems(spec: Spec, dir: string): Promise<UnlocatedProblem[]> {
  const problems: UnlocatedProblem[] = [];
  for (const [index, file] of (spec.update?.keys ?? []).entries()) {
    const path = ['update', 'keys', index];
    const text = await readText(resolve(dir, file));
    if (text instanceof Error) {
      problems.push({ path, message: `cannot read key file "${file}" (relative to ${dir}): ${text.message}; make one with imago keygen` });
      continue;
    }
    try {
      parsePublicKey(text, file);
    } catch (error) {
      problems.push({ path, message: (error as Error).message });
    }
  }
  return problems;
}

/** `kernel.build.config` fragments that cannot be read or hold a line that is not a config option. */
async function fragmentProblems(spec: Spec, dir: string): Promise<UnlocatedProblem[]> {
  const build = spec.kernel?.build;
  const fragments = typeof build === 'object' ? (build.config ?? []) : [];
  const problems: UnlocatedProblem[] = [];
  for (const [index, file] of fragments.entries()) {
    const path = ['kernel', 'build', 'config', index];
    const text = await readText(resolve(dir, file));
    if (text instanceof Error) {
      problems.push({ path, message: `cannot read kernel config fragment "${file}" (relative to ${dir}): ${text.message}` });
      continue;
    }
    try {
      parseConfig(text, file);
    } catch (error) {
      problems.push({ path, message: (error as Error).message });
    }
  }
  return problems;
}

/** The file's text, or the reason it cannot be read ("no such file" rather than errno prose). */
async function readText(path: string): Promise<string | Error> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return new Error(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : (error as Error).message);
  }
}
