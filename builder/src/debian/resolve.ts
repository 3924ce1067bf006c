/**
 * Resolves Debian package names to the exact packages apt would install on an empty
 * system of one architecture: the full Depends/Pre-Depends closure, no Recommends.
 *
 *   await checkPackagesExist(['busybox-static'], 'arm64', progress);   // before any download
 *   const packages = await resolvePackages(['busybox-static'], 'arm64', progress);
 */
import type { Progress } from '../progress.ts';
import { CommandError } from '../io/exec.ts';
import { aptCache, aptGet, updateAptState, type AptState } from './apt-state.ts';
import { parseControlRecords } from './control-fields.ts';
import { binaryRelease, openBinaryState } from './open-state.ts';

/** One package of a resolved closure, as the archive index describes it. */
export interface ResolvedPackage {
  name: string;
  /** Full Debian version, epoch included (e.g. `1:1.35.0-4+deb12u1+b1`). */
  version: string;
  /** `amd64`, `arm64`, ... or `all`. */
  architecture: string;
  /** The file name apt-get download gives it (epoch written as `%3a`). */
  filename: string;
  size: number;
  /** Expected sha256 of the .deb, from the signed index. */
  sha256: string;
}

/** Debian package names; anything else could be read by apt as an option or a pattern. */
const packageName = /^[a-z0-9][a-z0-9+.-]+$/;

/**
 * The names among `names` that have no installable version for `arch`.
 * Refreshes the package lists once when something is missing, in case they are old.
 */
export async function findMissingPackages(names: string[], arch: string, progress: Progress): Promise<string[]> {
  const state = await openBinaryState(arch, progress);
  const missing = await findMissing(state, names);
  if (missing.length === 0) return [];
  await updateAptState(state, progress);
  return findMissing(state, names);
}

/** Why a package name is not usable, for one named missing `name` for `arch`. */
export function missingPackageMessage(names: string[], arch: string): string {
  return (
    `package${names.length > 1 ? 's' : ''} ${names.join(', ')} not found for Debian ${binaryRelease} ${arch}: ` +
    'check the name (a virtual package must be replaced by a package that provides it)'
  );
}

/**
 * Checks that every name is a real package with an installable version for `arch`.
 * Throws one error that names every missing package and the architecture.
 */
export async function checkPackagesExist(names: string[], arch: string, progress: Progress): Promise<void> {
  const missing = await findMissingPackages(names, arch, progress);
  if (missing.length > 0) throw new Error(missingPackageMessage(missing, arch));
}

/**
 * Returns the full dependency closure of `names` for `arch`, sorted by package name,
 * as apt computes it against an empty dpkg status. Throws naming the packages and
 * architecture when apt cannot resolve them (apt's explanation is the cause).
 */
export async function resolvePackages(names: string[], arch: string, progress: Progress): Promise<ResolvedPackage[]> {
  await checkPackagesExist(names, arch, progress);
  const state = await openBinaryState(arch, progress);
  progress.step(`resolve packages (${arch})`);
  let planned: PlannedDownload[];
  try {
    const { stdout } = await aptGet(state, ['install', '--print-uris', '-qq', ...names]);
    planned = parsePrintUris(stdout.toString('utf8'));
  } catch (error) {
    throw new Error(`failed to resolve the dependencies of ${names.join(', ')} for ${arch}`, { cause: describeAptError(error) });
  }
  const records = await showPackages(state, planned);
  progress.done(`${records.length} packages`);
  return records.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The index record (all control fields) of one package version, e.g. to read a
 * metapackage's Depends. Throws when the version is not in the lists.
 */
export async function showPackage(name: string, version: string, arch: string, progress: Progress): Promise<Map<string, string>> {
  const state = await openBinaryState(arch, progress);
  const { stdout } = await aptCache(state, ['show', '--no-all-versions', `${name}=${version}`]);
  const record = parseControlRecords(stdout.toString('utf8'))[0];
  if (!record) throw new Error(`failed to show package ${name} ${version} for ${arch}: not in the package lists`);
  return record;
}

/** A line of `apt-get --print-uris`: `'uri' filename size hash`. */
export interface PlannedDownload {
  uri: string;
  filename: string;
  size: number;
}

/** Parses `apt-get install --print-uris` output (pure). */
export function parsePrintUris(text: string): PlannedDownload[] {
  const result: PlannedDownload[] = [];
  for (const line of text.split('\n')) {
    const match = /^'([^']+)' (\S+) (\d+)/.exec(line);
    if (match) result.push({ uri: match[1]!, filename: match[2]!, size: Number(match[3]) });
  }
  return result;
}

/** Splits apt's download file name `name_version_arch.deb` (epoch as `%3a`). */
export function parseDebFilename(filename: string): { name: string; version: string; architecture: string } {
  const match = /^([^_]+)_([^_]+)_([^_]+)\.deb$/.exec(filename);
  if (!match) throw new Error(`unexpected package file name ${JSON.stringify(filename)}`);
  return { name: match[1]!, version: decodeURIComponent(match[2]!), architecture: match[3]! };
}

/** Reads the exact records (with SHA256) of the planned packages in one apt-cache call. */
async function showPackages(state: AptState, planned: PlannedDownload[]): Promise<ResolvedPackage[]> {
  if (planned.length === 0) return [];
  const wanted = planned.map((p) => ({ ...parseDebFilename(p.filename), filename: p.filename, size: p.size }));
  const { stdout } = await aptCache(state, ['show', '--no-all-versions', ...wanted.map((p) => `${p.name}=${p.version}`)]);
  const records = parseControlRecords(stdout.toString('utf8'));
  return wanted.map((p) => {
    const record = records.find((r) => r.get('Package') === p.name && r.get('Version') === p.version);
    const sha256 = record?.get('SHA256');
    if (!sha256) throw new Error(`failed to resolve package ${p.name} ${p.version} for ${state.arch}: the index has no SHA256 for it`);
    return { ...p, sha256 };
  });
}

async function findMissing(state: AptState, names: string[]): Promise<string[]> {
  const invalid = names.filter((name) => !packageName.test(name));
  if (invalid.length > 0) throw new Error(`invalid Debian package name ${invalid.map((n) => JSON.stringify(n)).join(', ')}`);
  const { stdout } = await aptCache(state, ['policy', ...names]);
  const candidates = new Map<string, string>();
  let current: string | undefined;
  for (const line of stdout.toString('utf8').split('\n')) {
    const header = /^(\S+):$/.exec(line);
    if (header) current = header[1];
    const candidate = /^\s+Candidate: (\S+)/.exec(line);
    if (candidate && current) candidates.set(current, candidate[1]!);
  }
  return names.filter((name) => (candidates.get(name) ?? '(none)') === '(none)');
}

/** apt's own E: lines say why a resolution failed; keep them, drop the rest. */
function describeAptError(error: unknown): unknown {
  if (!(error instanceof CommandError)) return error;
  const reasons = error.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('W:'));
  return new Error(reasons.join('\n') || error.message, { cause: error });
}
