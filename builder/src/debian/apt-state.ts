/**
 * A private apt state under `<cache>/apt/<name>`: its own sources.list, package
 * lists, archive cache and an empty dpkg status, so apt resolves packages as for an
 * empty system and the host's apt setup (/etc/apt, /var/lib/apt) is never touched.
 *
 *   const state = await openAptState({ name: 'bookworm-amd64', arch: 'amd64', sources }, progress);
 *   await aptGet(state, ['install', '-s', 'busybox-static']);
 *
 * Layout: etc/{apt.conf,sources.list,apt.conf.d/,sources.list.d/,preferences.d/},
 * state/lists/, cache/archives/partial/, dpkg/status (empty), log/, lock.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { cacheRoot, sha256 } from '../io/cache.ts';
import { CommandError, run, type RunResult } from '../io/exec.ts';
import type { Progress } from '../progress.ts';
import { classifyAptUpdate, type AptUpdateVerdict } from './apt-update-output.ts';
import { aptRetryDelays, retryAptUpdate } from './apt-update-retry.ts';
import { skippableSuites } from './suite-selection.ts';

/** An opened private apt state. */
export interface AptState {
  /** Folder name below `<cache>/apt/`, e.g. `bookworm-amd64`. */
  name: string;
  root: string;
  /** Debian architecture the state resolves for. */
  arch: string;
  /** The apt configuration file; passed to apt through APT_CONFIG. */
  confPath: string;
  /** When the package lists were last downloaded (ms since epoch), or 0. */
  updatedAt: number;
}

/** What openAptState needs: the state's folder name, architecture and sources. */
export interface AptStateOptions {
  name: string;
  arch: string;
  /** The sources.list text (see private-sources.ts). */
  sources: string;
}

/** Lists older than this are refreshed before use. */
const maxListAgeMs = 24 * 60 * 60 * 1000;

/**
 * Creates (or reuses) the state folder, writes its configuration and runs
 * `apt-get update` when the lists are missing, older than 24 hours or were made for
 * different sources. Throws with apt's own message when the update fails.
 */
export async function openAptState(options: AptStateOptions, progress: Progress): Promise<AptState> {
  const root = join(cacheRoot(), 'apt', options.name);
  for (const dir of ['etc/apt.conf.d', 'etc/sources.list.d', 'etc/preferences.d', 'state/lists/partial', 'cache/archives/partial', 'dpkg', 'log']) {
    await mkdir(join(root, dir), { recursive: true });
  }
  const confPath = join(root, 'etc/apt.conf');
  await writeIfChanged(join(root, 'etc/sources.list'), options.sources);
  await writeIfChanged(confPath, renderAptConf(root, options.arch, await hostProxies()));
  await writeIfMissing(join(root, 'dpkg/status'), '');
  const state: AptState = { name: options.name, root, arch: options.arch, confPath, updatedAt: 0 };
  const stamp = await readStamp(root);
  const fresh = stamp && stamp.sources === sha256(options.sources) && Date.now() - stamp.at < maxListAgeMs;
  if (fresh) state.updatedAt = stamp.at;
  else await updateAptState(state, progress);
  return state;
}

/**
 * Downloads the package lists (`apt-get update`) and records when. Called by
 * openAptState when needed, and by callers once more when a package is not found.
 */
export async function updateAptState(state: AptState, progress: Progress): Promise<void> {
  progress.step(`update package lists (${state.name})`);
  const { verdict, attempts } = await retryAptUpdate(
    () => updateOnce(state, progress),
    aptRetryDelays(process.env),
    undefined,
    (sync, delayMs) => progress.warn?.(`${state.name}: the mirror's ${sync.suites.join(', ') || 'index'} looks mid-sync (${sync.reason}); trying again in ${delayMs / 1000} s`),
  );
  if (verdict.kind === 'mirror-sync') throw new MirrorSyncError(updateFailureMessage(state, verdict, attempts), verdict.suites);
  if (verdict.kind !== 'ok') throw new Error(updateFailureMessage(state, verdict, attempts));
  const sources = await readFile(join(state.root, 'etc/sources.list'), 'utf8');
  state.updatedAt = Date.now();
  await writeIfChanged(join(state.root, 'updated.json'), JSON.stringify({ at: state.updatedAt, sources: sha256(sources) }));
  progress.done();
}

/** The mirror kept serving a suite's index mid-sync (or stuck so) through every retry. */
export class MirrorSyncError extends Error {
  constructor(
    message: string,
    /** The suites whose index did not match its Release file. */
    readonly suites: readonly string[],
  ) {
    super(message);
    this.name = 'MirrorSyncError';
  }
}

/** One `apt-get update`, judged by what it printed. */
async function updateOnce(state: AptState, progress: Progress): Promise<AptUpdateVerdict> {
  try {
    const result = await aptGet(state, ['update'], (line) => progress.detail(line));
    return classifyAptUpdate(result.stderr);
  } catch (error) {
    if (error instanceof CommandError) return classifyAptUpdate(error.stderr, false);
    throw error;
  }
}

/**
 * Why the lists could not be updated. A suite the mirror kept syncing is
 * named with the architecture and, when the build can do without it, the
 * --skip-suite that drops it.
 */
export function updateFailureMessage(state: Pick<AptState, 'name' | 'root' | 'arch'>, verdict: AptUpdateVerdict & { kind: 'mirror-sync' | 'failed' }, attempts: number): string {
  const prefix = `failed to update the package lists of apt state ${state.name} (${state.root})`;
  if (verdict.kind === 'failed') return `${prefix}: ${verdict.reason}. check the host can run apt-get update against the same mirror`;
  const suites = verdict.suites.length > 0 ? verdict.suites : ['(unknown suite)'];
  const skippable = suites.filter((suite) => (skippableSuites as readonly string[]).includes(suite));
  const advice =
    skippable.length === suites.length
      ? `try again later, or build without it: ${skippable.map((suite) => `--skip-suite ${suite}`).join(' ')} (the image then lacks its updates, and its manifest says so)`
      : 'try again later';
  return `${prefix}: the mirror's ${suites.join(', ')} index for ${state.arch} is still mid-sync after ${attempts} ${attempts === 1 ? 'try' : 'tries'} (${verdict.reason}). ${advice}`;
}

/**
 * Runs `apt-get` with the private configuration. Runs of different processes on the
 * same state are serialised with flock(1), since apt refuses to share its lock.
 */
export function aptGet(state: AptState, args: string[], onLine?: (line: string) => void, cwd?: string): Promise<RunResult> {
  return aptTool(state, 'apt-get', args, onLine, cwd);
}

/** Runs `apt-cache` with the private configuration (see aptGet). */
export function aptCache(state: AptState, args: string[]): Promise<RunResult> {
  return aptTool(state, 'apt-cache', args);
}

function aptTool(state: AptState, tool: string, args: string[], onLine?: (line: string) => void, cwd?: string): Promise<RunResult> {
  // APT_CONFIG is read before /etc/apt/apt.conf.d, so the host's hooks (e.g. the
  // Post-Invoke cleanups of container images) never run against our state.
  const env = { ...process.env, APT_CONFIG: state.confPath, LC_ALL: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive' };
  return run('flock', [join(state.root, 'lock'), tool, ...args], { env, onLine, cwd });
}

/** The apt.conf of a state; every Dir:: points into the state except the host's keyrings and tools. */
export function renderAptConf(root: string, arch: string, proxies: Record<string, string> = {}): string {
  const q = (value: string) => `"${value.replace(/"/g, '')}"`;
  const lines = [
    `Dir::Etc ${q(join(root, 'etc'))};`,
    `Dir::Etc::main "apt.conf";`,
    `Dir::Etc::parts "apt.conf.d";`,
    `Dir::Etc::sourcelist "sources.list";`,
    `Dir::Etc::sourceparts "sources.list.d";`,
    `Dir::Etc::preferences "preferences";`,
    `Dir::Etc::preferencesparts "preferences.d";`,
    // Trust the host's keys: entries carry Signed-By paths, others fall back to these.
    `Dir::Etc::trusted "/etc/apt/trusted.gpg";`,
    `Dir::Etc::trustedparts "/etc/apt/trusted.gpg.d";`,
    `Dir::State ${q(join(root, 'state'))};`,
    `Dir::State::status ${q(join(root, 'dpkg/status'))};`,
    `Dir::Cache ${q(join(root, 'cache'))};`,
    `Dir::Log ${q(join(root, 'log'))};`,
    `APT::Architecture ${q(arch)};`,
    `APT::Architectures { ${q(arch)}; };`,
    // The closure should be what a minimal system needs, not apt's defaults for desktops.
    `APT::Install-Recommends "false";`,
    `APT::Install-Suggests "false";`,
    `APT::Get::Assume-Yes "true";`,
    // apt drops privileges to _apt for downloads, and _apt cannot write into our
    // folders; download as the current user instead.
    `APT::Sandbox::User ${q(userInfo().username)};`,
    `Acquire::Languages "none";`,
    `Acquire::PDiffs "false";`,
    `Acquire::Retries "3";`,
    ...Object.entries(proxies).map(([key, value]) => `${key} ${q(value)};`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The host's apt proxy settings, carried over so downloads work where the host's do. */
async function hostProxies(): Promise<Record<string, string>> {
  const keys = ['Acquire::http::Proxy', 'Acquire::https::Proxy', 'Acquire::ftp::Proxy'];
  const result: Record<string, string> = {};
  try {
    const { stdout } = await run('apt-config', ['dump']);
    for (const line of stdout.toString('utf8').split('\n')) {
      const match = /^(Acquire::\w+::Proxy) "(.*)";$/i.exec(line);
      const key = keys.find((k) => k.toLowerCase() === match?.[1]?.toLowerCase());
      if (key && match?.[2]) result[key] = match[2];
    }
  } catch {
    // No apt-config means no host proxy to carry over; apt-get itself reports a missing apt.
  }
  return result;
}

async function readStamp(root: string): Promise<{ at: number; sources: string } | undefined> {
  try {
    const stamp = JSON.parse(await readFile(join(root, 'updated.json'), 'utf8'));
    await stat(join(root, 'state/lists'));
    return stamp;
  } catch {
    return undefined;
  }
}

/** Writes through a temporary file and rename, so a concurrent build never reads half a file. */
async function writeIfChanged(path: string, text: string): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current === text) return;
  const temporary = `${path}.${process.pid}-${randomUUID()}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

async function writeIfMissing(path: string, text: string): Promise<void> {
  await writeFile(path, text, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}
