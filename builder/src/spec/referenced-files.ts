/**
 * Checks of the files a spec names, relative to the spec's folder as the
 * build reads them: `files[].source` (also a container's) and
 * `containers[].archive` must be files, `update.keys` must be imago public
 * keys, `kernel.build.config` must be kernel config fragments; and the
 * accounts the spec names must be in the image's /etc/passwd and /etc/group,
 * which a spec may give as a `source` file (see owner-rules.ts).
 * They run in loadSpec, so `imago validate` reports a wrong path or a broken
 * key at its line instead of the build failing after minutes of compiling.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parsePublicKey } from '../bundle/keys.ts';
import { parseConfig } from '../kernel/config-fragment.ts';
import { parseFleetCa, parseFleetToken } from './fleet-files.ts';
import { normalisePath } from '../tree/tree.ts';
import { imageAccounts, mayComeFromPackages, ownerProblems, packageAccountWarning } from './owner-rules.ts';
import type { UnlocatedProblem } from './problem.ts';
import type { Spec } from './schema.ts';

/** Every problem with a file the spec names; `dir` is the spec's folder. */
export async function referencedFileProblems(spec: Spec, dir: string): Promise<UnlocatedProblem[]> {
  return [
    ...(await sourceProblems(spec, dir)),
    ...(await archiveProblems(spec, dir)),
    ...(await keyProblems(spec, dir)),
    ...(await fragmentProblems(spec, dir)),
    ...(await fleetFileProblems(spec, dir)),
    ...(await accountProblems(spec, dir)),
  ];
}

/** `source` entries of `files` and of each container's `files` that are not readable regular files. */
async function sourceProblems(spec: Spec, dir: string): Promise<UnlocatedProblem[]> {
  const lists = [
    { at: ['files'], files: spec.files ?? [] },
    ...(spec.containers ?? []).map((container, c) => ({ at: ['containers', c, 'files'], files: container.files ?? [] })),
  ];
  const problems: UnlocatedProblem[] = [];
  for (const { at, files } of lists) {
    for (const [index, file] of files.entries()) {
      if (file.source && !(await isFile(resolve(dir, file.source)))) problems.push({ path: [...at, index, 'source'], message: `file "${file.source}" not found (relative to ${dir})` });
    }
  }
  return problems;
}

/** `containers[].archive` entries that are not regular files: the build would fail on them after its downloads. */
async function archiveProblems(spec: Spec, dir: string): Promise<UnlocatedProblem[]> {
  const problems: UnlocatedProblem[] = [];
  for (const [index, container] of (spec.containers ?? []).entries()) {
    if (container.archive && !(await isFile(resolve(dir, container.archive)))) {
      problems.push({ path: ['containers', index, 'archive'], message: `container archive "${container.archive}" not found (relative to ${dir}); give the path of a docker save or OCI archive, or build the image from Debian packages with packages: instead` });
    }
  }
  return problems;
}

/** Users and groups the spec names that the image will not have; reads a `source:` /etc/passwd or /etc/group. */
async function accountProblems(spec: Spec, dir: string): Promise<UnlocatedProblem[]> {
  return (await allAccountProblems(spec, dir)).filter((problem) => !mayComeFromPackages(spec, problem));
}

/** Accounts validate does not know that a listed package may still declare (see owner-rules.ts). */
export async function accountWarnings(spec: Spec, dir: string): Promise<UnlocatedProblem[]> {
  return (await allAccountProblems(spec, dir)).filter((problem) => mayComeFromPackages(spec, problem)).map(packageAccountWarning);
}

async function allAccountProblems(spec: Spec, dir: string): Promise<UnlocatedProblem[]> {
  const sources = new Map<number, string>();
  for (const [index, file] of (spec.files ?? []).entries()) {
    if (!file.source || !['etc/passwd', 'etc/group'].includes(normalisePath(file.path))) continue;
    const text = await readFile(resolve(dir, file.source), 'utf8').catch(() => undefined);
    if (text !== undefined) sources.set(index, text);
  }
  const accounts = imageAccounts(spec, sources);
  return accounts ? ownerProblems(spec, accounts) : [];
}

async function isFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ?? false;
}

/** `update.keys` entries that cannot be read or are not `ed25519 <hex>` lines. */
function keyProblems(spec: Spec, dir: string): Promise<UnlocatedProblem[]> {
  return parsedFileProblems(spec.update?.keys ?? [], ['update', 'keys'], dir, {
    what: 'key file',
    hint: '; make one with imago keygen',
    parse: parsePublicKey,
  });
}

/** `fleet.ca` that is not a PEM certificate and `fleet.token` that is not one line. */
async function fleetFileProblems(spec: Spec, dir: string): Promise<UnlocatedProblem[]> {
  if (!spec.fleet) return [];
  const { ca, token } = spec.fleet;
  return [
    ...(await parsedFileProblems([ca], ['fleet', 'ca'], dir, { what: 'fleet CA', hint: '; imago fleet init writes it as ca.pem', parse: parseFleetCa })),
    ...(await parsedFileProblems([token], ['fleet', 'token'], dir, { what: 'token file', hint: '; make one with imago fleet batch create', parse: parseFleetToken })),
  ].map((problem) => ({ ...problem, path: problem.path.slice(0, 2) }));
}

/** `kernel.build.config` fragments that cannot be read or hold a line that is not a config option. */
function fragmentProblems(spec: Spec, dir: string): Promise<UnlocatedProblem[]> {
  const build = spec.kernel?.build;
  const fragments = typeof build === 'object' ? (build.config ?? []) : [];
  return parsedFileProblems(fragments, ['kernel', 'build', 'config'], dir, { what: 'kernel config fragment', hint: '', parse: parseConfig });
}

/**
 * Reads each file a list of the spec names (relative to the spec's folder) and
 * parses it; a file that cannot be read or parsed is a problem at its entry.
 */
async function parsedFileProblems(
  files: readonly string[],
  listPath: (string | number)[],
  dir: string,
  kind: { what: string; hint: string; parse: (text: string, file: string) => unknown },
): Promise<UnlocatedProblem[]> {
  const problems: UnlocatedProblem[] = [];
  for (const [index, file] of files.entries()) {
    const path = [...listPath, index];
    const text = await readText(resolve(dir, file));
    if (text instanceof Error) {
      problems.push({ path, message: `cannot read ${kind.what} "${file}" (relative to ${dir}): ${text.message}${kind.hint}` });
      continue;
    }
    try {
      kind.parse(text, file);
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
